import { toWireString } from '../../domain/money.ts';
import type { TenantView } from './tenant-figures.ts';

/** A tenant as the native API shows it: money as exact strings rounded HALF_UP to cents, in the MSP's currency. */
export function presentTenant(view: TenantView) {
  const { tenant, company, figures } = view;
  const lines = new Map(figures.skus.map((line) => [line.skuPartNumber, line]));
  return {
    id: tenant.id,
    public_id: tenant.publicId,
    clients_id: company.id,
    display_name: company.name,
    provider: tenant.provider,
    source: tenant.source,
    directory_id: tenant.directoryId,
    primary_domain: tenant.primaryDomain,
    connection_status: tenant.connectionStatus,
    last_sync_at: tenant.lastSyncAt,
    last_error: tenant.lastError,
    total_licenses: figures.totalLicenses,
    assigned_licenses: figures.assignedLicenses,
    unassigned_licenses: figures.unassignedLicenses,
    total_users: figures.totalUsers,
    inactive_user_count: figures.inactiveUserCount,
    estimated_monthly_cost: toWireString(figures.estimatedMonthlyCost, 2),
    estimated_monthly_leakage: toWireString(figures.estimatedMonthlyLeakage, 2),
    currency: view.currency,
    inactive_after_days: view.settings.inactiveAfterDays,
    skus: view.skus.map((sku) => {
      const line = lines.get(sku.skuPartNumber)!;
      return {
        sku_part_number: sku.skuPartNumber,
        sku_id: sku.skuId,
        name: sku.name,
        products_id: sku.productsId,
        purchased: sku.purchased,
        assigned: sku.assigned,
        unassigned: line.unassigned,
        inactive_holders: line.inactiveHolders,
        renewal_at: sku.renewalAt,
        term: sku.term,
        monthly_price: toWireString(sku.monthlyPrice),
        monthly_cost: toWireString(line.monthlyCost, 2),
        monthly_leakage: toWireString(line.monthlyLeakage, 2),
      };
    }),
    created_at: tenant.createdAt,
    updated_at: tenant.updatedAt,
  };
}

export type PresentedTenant = ReturnType<typeof presentTenant>;
