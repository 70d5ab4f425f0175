import { createHash, randomBytes } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { clients, tenants, tenantSkus } from '../../db/schema.ts';
import { notFound } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { withinScope, type ClientRow } from '../scope.ts';

export type TenantRow = typeof tenants.$inferSelect;
export type ConnectionStatus = TenantRow['connectionStatus'];
export type TenantSkuRow = typeof tenantSkus.$inferSelect;

/** A tenant with the managed company it belongs to. */
export interface TenantInScope {
  tenant: TenantRow;
  company: ClientRow;
}

/** Loads a tenant whose company the caller may see; one outside the subtree answers as a missing one. */
export async function loadTenantInScope(executor: Executor, ctx: Context, id: number, options: { forUpdate?: boolean } = {}): Promise<TenantInScope> {
  const query = executor
    .select({ tenant: tenants, company: clients })
    .from(tenants)
    .innerJoin(clients, eq(clients.id, tenants.clientsId))
    .where(and(eq(tenants.id, id), ne(clients.status, 'deleted'), withinScope(ctx, clients.path)));
  const [row] = options.forUpdate ? await query.for('update', { of: tenants }) : await query;
  if (!row) throw notFound(`Tenant ${id}`);
  return row;
}

/** Loads a tenant by id with no caller (jobs); null when it is gone. */
export async function loadTenant(executor: Executor, id: number, options: { forUpdate?: boolean } = {}): Promise<TenantInScope | null> {
  const query = executor
    .select({ tenant: tenants, company: clients })
    .from(tenants)
    .innerJoin(clients, eq(clients.id, tenants.clientsId))
    .where(and(eq(tenants.id, id), ne(clients.status, 'deleted')));
  const [row] = options.forUpdate ? await query.for('update', { of: tenants }) : await query;
  return row ?? null;
}

const PUBLIC_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A short random id for faces: `tnt_` + 10 characters of [a-z0-9] (about 51 bits). */
export function newPublicId(prefix: 'tnt_' | 'alt_'): string {
  const bytes = randomBytes(10);
  let id = prefix;
  for (const byte of bytes) id += PUBLIC_ID_ALPHABET[byte % PUBLIC_ID_ALPHABET.length];
  return id;
}

/** The minute of the UTC day a tenant syncs at, spread evenly by a hash of its public id. */
export function syncMinuteOf(publicId: string): number {
  return createHash('sha256').update(publicId).digest().readUInt32BE(0) % 1440;
}
