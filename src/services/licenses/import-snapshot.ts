import { eq } from 'drizzle-orm';
import { tenants } from '../../db/schema.ts';
import { invalid, unprocessable } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { applySnapshot } from './apply-snapshot.ts';
import { loadCompanyInScope } from './company-record.ts';
import { presentTenant } from './present-tenant.ts';
import type { TenantSnapshot } from './snapshot.ts';
import { loadTenant, newPublicId, syncMinuteOf } from './tenant-record.ts';

export interface ImportSnapshotInput {
  clients_id: number;
  primary_domain?: string | null;
  skus: Array<{ sku_part_number: string; sku_id?: string | null; name?: string | null; purchased: number; assigned: number; renewal_at?: Date | null; term?: 'monthly' | 'annual' | null }>;
  users: Array<{ id: string; display_name?: string | null; user_principal_name?: string | null; enabled: boolean; licenses?: string[]; created_at?: Date | null; last_sign_in_at?: Date | null }>;
}

/**
 * Takes a tenant snapshot pushed by another provider or an MSP without Graph access: the company's
 * tenant is made on the first import, its snapshot replaced on each, and the purchased counts go
 * into the ledger. A tenant synced from Microsoft Graph is refused: its next sync would overwrite the import.
 */
export async function importSnapshot(ctx: Context, input: ImportSnapshotInput) {
  const parts = new Set<string>();
  for (const sku of input.skus) {
    if (parts.has(sku.sku_part_number)) throw invalid(`SKU ${sku.sku_part_number} appears twice`);
    parts.add(sku.sku_part_number);
  }
  const snapshot: TenantSnapshot = {
    primaryDomain: input.primary_domain ?? null,
    skus: input.skus.map((sku) => ({
      skuPartNumber: sku.sku_part_number,
      skuId: sku.sku_id ?? null,
      name: sku.name ?? null,
      purchased: sku.purchased,
      assigned: sku.assigned,
      renewalAt: sku.renewal_at ?? null,
      term: sku.term ?? null,
    })),
    users: input.users.map((user) => ({
      externalId: user.id,
      displayName: user.display_name ?? null,
      userPrincipalName: user.user_principal_name ?? null,
      enabled: user.enabled,
      licenses: [...new Set(user.licenses ?? [])],
      createdAt: user.created_at ?? null,
      lastSignInAt: user.last_sign_in_at ?? null,
    })),
  };
  return ctx.db.orm.transaction(async (tx) => {
    const company = await loadCompanyInScope(tx, ctx, input.clients_id);
    const now = ctx.now();
    const publicId = newPublicId('tnt_');
    await tx
      .insert(tenants)
      .values({ publicId, clientsId: company.id, source: 'import', provider: 'microsoft', connectionStatus: 'pending', consecutiveFailures: 0, syncMinute: syncMinuteOf(publicId), createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: tenants.clientsId });
    const [{ id }] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.clientsId, company.id));
    const locked = (await loadTenant(tx, id, { forUpdate: true }))!;
    if (locked.tenant.source === 'graph') {
      throw unprocessable('TenantSyncedFromGraph', `Tenant ${id} is synced from Microsoft Graph: its next sync would replace an imported snapshot`);
    }
    const applied = await applySnapshot(tx, ctx, locked.tenant, company, snapshot, 'import');
    return presentTenant(applied.view);
  });
}
