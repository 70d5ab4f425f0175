import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/connection.ts';
import { quantityLedger, tenants, tenantSkus, tenantSnapshots } from '../../db/schema.ts';
import { SNAPSHOT_ALERT_TYPES } from '../../domain/license-alerts.ts';
import { evaluateTenantAlerts } from '../alerts/evaluate-tenant-alerts.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import type { ClientRow } from '../scope.ts';
import { skuProducts } from './sku-product.ts';
import type { TenantView } from './tenant-figures.ts';
import type { TenantSnapshot } from './snapshot.ts';
import { encodeUsers } from './snapshot-codec.ts';
import type { TenantRow, TenantSkuRow } from './tenant-record.ts';

export const USAGE_QUANTITY_CHANGED = 'usage.quantity_changed';

/** Where ledger rows written by a sync say they came from. */
export const LEDGER_SOURCES = { graph: 'microsoft-graph', import: 'license-import' } as const;

export interface AppliedSnapshot {
  /** The SKUs as they were before this snapshot. */
  before: TenantSkuRow[];
  skus: number;
  users: number;
  /** Ledger rows written for purchased counts that changed. */
  ledgerRows: number;
  /** The tenant as it now stands, with its figures. */
  view: TenantView;
}

/**
 * Replaces a tenant's snapshot in the caller's transaction (the tenant row locked by the caller):
 * its SKUs and users, the purchased counts into the quantity ledger (so the seats bill like any other
 * product), the tenant's status and the audit row, then evaluates the alert rules.
 */
export async function applySnapshot(tx: Executor, ctx: Context, tenant: TenantRow, company: ClientRow, snapshot: TenantSnapshot, source: 'graph' | 'import'): Promise<AppliedSnapshot> {
  const now = ctx.now();
  // Compressed off the main thread while the first statements run.
  const stored = encodeUsers(snapshot);
  stored.catch(() => undefined);
  const before = await tx.select().from(tenantSkus).where(sql`${tenantSkus.tenantsId} = ${tenant.id}`);
  const productOf = await skuProducts(tx, ctx, snapshot.skus);
  await tx.delete(tenantSkus).where(sql`${tenantSkus.tenantsId} = ${tenant.id}`);
  if (snapshot.skus.length > 0) {
    await tx.insert(tenantSkus).values(
      snapshot.skus.map((sku) => ({
        tenantsId: tenant.id,
        skuPartNumber: sku.skuPartNumber,
        skuId: sku.skuId,
        productsId: productOf.get(sku.skuPartNumber)!,
        purchased: sku.purchased,
        assigned: sku.assigned,
        renewalAt: sku.renewalAt,
        term: sku.term,
      })),
    );
  }
  const users = await stored;
  await tx
    .insert(tenantSnapshots)
    .values({ tenantsId: tenant.id, ...users, takenAt: now })
    .onConflictDoUpdate({ target: tenantSnapshots.tenantsId, set: { ...users, takenAt: now } });
  const ledgerRows = await recordPurchasedCounts(tx, ctx, company, before, snapshot, productOf, LEDGER_SOURCES[source]);
  await tx
    .update(tenants)
    .set({ source, primaryDomain: snapshot.primaryDomain ?? tenant.primaryDomain, connectionStatus: 'connected', lastSyncAt: now, lastError: null, consecutiveFailures: 0, updatedAt: now })
    .where(sql`${tenants.id} = ${tenant.id}`);
  await recordAudit(tx, ctx, {
    action: 'sync',
    entity: 'tenant',
    entityId: tenant.id,
    scopePath: company.path,
    data: { source, skus: snapshot.skus.length, users: snapshot.users.length, ledger_rows: ledgerRows },
  });
  // A first snapshot has nothing to compare seats with.
  const view = await evaluateTenantAlerts(tx, ctx, tenant.id, { types: [...SNAPSHOT_ALERT_TYPES, 'sync_failed'], before: tenant.lastSyncAt ? before : null });
  return { before, skus: snapshot.skus.length, users: snapshot.users.length, ledgerRows, view: view! };
}

/** Writes a ledger row for every SKU whose purchased count differs from what the ledger holds now (a SKU gone holds 0). */
async function recordPurchasedCounts(
  tx: Executor,
  ctx: Context,
  company: ClientRow,
  before: TenantSkuRow[],
  snapshot: TenantSnapshot,
  productOf: Map<string, number>,
  source: string,
): Promise<number> {
  const now = ctx.now();
  const wanted = new Map<number, number>();
  for (const sku of before) wanted.set(sku.productsId, 0);
  for (const sku of snapshot.skus) wanted.set(productOf.get(sku.skuPartNumber)!, sku.purchased);
  if (wanted.size === 0) return 0;
  const held = await queryRows<{ products_id: number; quantity: string }>(tx, sql`
    SELECT DISTINCT ON (products_id) products_id, quantity FROM quantity_ledger
    WHERE clients_id = ${company.id} AND products_id IN (${sql.join([...wanted.keys()].map((id) => sql`${id}`), sql`, `)})
      AND effective_at <= ${now.toISOString()}::timestamptz
    ORDER BY products_id, effective_at DESC, recorded_at DESC, id DESC`);
  const current = new Map(held.map((row) => [Number(row.products_id), Number(row.quantity)]));
  let written = 0;
  for (const [productId, quantity] of wanted) {
    const previous = current.get(productId) ?? 0;
    if (previous === quantity) continue;
    const [row] = await tx
      .insert(quantityLedger)
      .values({ clientsId: company.id, productsId: productId, effectiveAt: now, quantity: String(quantity), recordedAt: now, source, usersId: ctx.principal?.usersId ?? null })
      .returning({ id: quantityLedger.id });
    await recordAudit(tx, ctx, {
      action: 'set',
      entity: 'quantity',
      entityId: row.id,
      scopePath: company.path,
      data: { clients_id: company.id, products_id: productId, quantity: String(quantity), effective_at: now.toISOString() },
    });
    await ctx.enqueue(tx, {
      kind: 'event',
      payload: {
        type: USAGE_QUANTITY_CHANGED,
        clients_id: company.id,
        data: { clients_id: company.id, products_id: productId, quantity: String(quantity), previous_quantity: String(previous), effective_at: now.toISOString(), source },
      },
    });
    written++;
  }
  return written;
}
