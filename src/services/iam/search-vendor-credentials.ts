import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { vendorCredentials } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { presentVendorCredential, vendorCredentialsInScope } from './vendor-credential-record.ts';

export interface SearchVendorCredentialsInput {
  limit: number;
  offset: number;
  distributors_id?: number;
  vendor?: string;
  status?: 'active' | 'revoked';
}

/** The vendor credentials of the distributors in the caller's subtree (never their secrets). */
export async function searchVendorCredentials(ctx: Context, input: SearchVendorCredentialsInput) {
  const filters: Array<SQL | undefined> = [vendorCredentialsInScope(ctx)];
  if (input.distributors_id !== undefined) filters.push(eq(vendorCredentials.distributorsId, input.distributors_id));
  if (input.vendor !== undefined) filters.push(eq(vendorCredentials.vendor, input.vendor));
  if (input.status !== undefined) filters.push(eq(vendorCredentials.status, input.status));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm.select().from(vendorCredentials).where(where).orderBy(asc(vendorCredentials.id)).limit(input.limit).offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(vendorCredentials).where(where),
  ]);
  return { items: rows.map(presentVendorCredential), total: Number(total) };
}
