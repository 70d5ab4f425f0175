import { inArray } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { products } from '../../db/schema.ts';
import { reconcileAlerts, syncFailedCondition, tenantAlertConditions, type AlertCondition, type AlertType } from '../../domain/license-alerts.ts';
import type { Context } from '../context.ts';
import { describeTenants, type TenantView } from '../licenses/tenant-figures.ts';
import { loadTenant } from '../licenses/tenant-record.ts';
import { fireAlert, loadOpenAlerts, resolveAlerts } from './alert-record.ts';

export interface TenantEvaluation {
  /** Which rules to evaluate: open alerts of other types are left alone. */
  types: readonly AlertType[];
  /** Purchased counts at the previous sync, for the seat rules; null for none. */
  before?: ReadonlyArray<{ skuPartNumber: string; purchased: number; productsId: number }> | null;
}

/**
 * Evaluates a tenant's alert rules in the caller's transaction: fires what newly holds, resolves what
 * cleared. Answers the tenant as the rules saw it (null when it is gone).
 */
export async function evaluateTenantAlerts(tx: Executor, ctx: Context, tenantId: number, evaluation: TenantEvaluation): Promise<TenantView | null> {
  const found = await loadTenant(tx, tenantId);
  if (!found) return null;
  const now = ctx.now();
  const [view] = await describeTenants(tx, [found], now);
  const open = await loadOpenAlerts(tx, view.msp.id, tenantId);
  const productNames = new Map(view.skus.map((sku) => [sku.productsId, sku.name]));
  const gone = (evaluation.before ?? []).map((sku) => sku.productsId).filter((id) => !productNames.has(id));
  if (gone.length > 0) for (const row of await tx.select({ id: products.id, name: products.name }).from(products).where(inArray(products.id, gone))) productNames.set(row.id, row.name);
  const conditions: AlertCondition[] = tenantAlertConditions({
    tenantName: found.company.name,
    now,
    zone: view.msp.billingTimeZone,
    currency: view.currency,
    windows: view.settings,
    inactiveAfterDays: view.settings.inactiveAfterDays,
    before: evaluation.before?.map((sku) => ({ ...sku, name: productNames.get(sku.productsId) })) ?? null,
    skus: view.skus.map((sku) => {
      const line = view.figures.skus.find((candidate) => candidate.skuPartNumber === sku.skuPartNumber)!;
      return { skuPartNumber: sku.skuPartNumber, name: sku.name, purchased: sku.purchased, unassigned: line.unassigned, inactiveHolders: line.inactiveHolders, monthlyPrice: sku.monthlyPrice, renewalAt: sku.renewalAt, term: sku.term };
    }),
    inactiveUsers: view.figures.inactiveUserCount,
    open,
  }).filter((condition) => evaluation.types.includes(condition.type));
  if (evaluation.types.includes('sync_failed')) {
    const failed = syncFailedCondition({ tenantName: found.company.name, consecutiveFailures: found.tenant.consecutiveFailures, lastError: found.tenant.lastError, lastSyncAt: found.tenant.lastSyncAt, zone: view.msp.billingTimeZone });
    if (failed) conditions.push(failed);
  }
  const { fire, resolve } = reconcileAlerts(conditions, open, evaluation.types);
  await resolveAlerts(tx, ctx, resolve.map((alert) => alert.id));
  const owner = { msp: { id: view.msp.id, path: view.msp.path }, tenant: { id: found.tenant.id, publicId: found.tenant.publicId, name: found.company.name } };
  for (const condition of fire) await fireAlert(tx, ctx, owner, condition);
  return view;
}
