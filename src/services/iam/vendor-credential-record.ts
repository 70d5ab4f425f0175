import { randomBytes } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { clients, vendorCredentials } from '../../db/schema.ts';
import { notFound } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';

export type VendorCredentialRow = typeof vendorCredentials.$inferSelect;

/** Consumer keys read `ck_…`; secrets are 64 random bytes (the HS512 block size), base64url. */
export function generateConsumerKey(): string {
  return 'ck_' + randomBytes(24).toString('base64url');
}

export function generateVendorSecret(): string {
  return randomBytes(64).toString('base64url');
}

/** The associated data a secret is sealed with: it only opens on the row of its own consumer key. */
export const secretOwner = (consumerKey: string) => `vendor-credential:${consumerKey}`;

/** Credentials of the distributors in the caller's subtree. */
export function vendorCredentialsInScope(ctx: Context): SQL | undefined {
  const scope = requirePrincipal(ctx).scope;
  if (!scope) return undefined;
  return sql`${vendorCredentials.distributorsId} IN (SELECT ${clients.id} FROM ${clients} WHERE ${clients.path} LIKE ${scope.path + '%'})`;
}

export async function loadVendorCredentialInScope(executor: Executor, ctx: Context, id: number, options: { forUpdate?: boolean } = {}): Promise<VendorCredentialRow> {
  const query = executor.select().from(vendorCredentials).where(and(eq(vendorCredentials.id, id), vendorCredentialsInScope(ctx)));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound(`Vendor credential ${id}`);
  return row;
}

/** What may be shown of a credential after creation or rotation: never its secret. */
export function presentVendorCredential(row: VendorCredentialRow) {
  return {
    id: row.id,
    distributors_id: row.distributorsId,
    vendor: row.vendor,
    consumer_key: row.consumerKey,
    users_id: row.usersId,
    status: row.status,
    created_at: row.createdAt,
    rotated_at: row.rotatedAt,
    revoked_at: row.revokedAt,
  };
}
