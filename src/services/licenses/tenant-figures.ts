import { Decimal } from 'decimal.js';
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { clients, priceEntries, products, tenantSkus, tenantSnapshots } from '../../db/schema.ts';
import { periodContaining } from '../../domain/billing-period.ts';
import { tenantFigures, type LicenseActivity, type TenantFigures } from '../../domain/leakage.ts';
import { ZERO } from '../../domain/money.ts';
import { priceForMonth, type PriceEntry } from '../../domain/statement.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import type { ClientRow } from '../scope.ts';
import { loadLicenseSettings, type LicenseSettings } from './settings-record.ts';
import { decodeActivity } from './snapshot-codec.ts';
import type { TenantInScope, TenantRow, TenantSkuRow } from './tenant-record.ts';

export interface SkuView extends TenantSkuRow {
  name: string;
  monthlyPrice: Decimal;
}

/** A tenant with everything shown about it: its SKUs priced, and its license figures as of now. */
export interface TenantView {
  tenant: TenantRow;
  company: ClientRow;
  msp: ClientRow;
  settings: LicenseSettings;
  currency: string;
  skus: SkuView[];
  figures: TenantFigures;
}

export interface TenantUsers {
  total: number;
  licensed: LicenseActivity[];
}

/** The users of tenants as the leakage rules read them: how many, and each licensed user's activity. */
export async function loadTenantUsers(executor: Executor, tenantIds: number[]): Promise<Map<number, TenantUsers>> {
  const byTenant = new Map<number, TenantUsers>(tenantIds.map((id) => [id, { total: 0, licensed: [] }]));
  if (tenantIds.length === 0) return byTenant;
  const rows = await executor
    .select({ tenantsId: tenantSnapshots.tenantsId, userCount: tenantSnapshots.userCount, activityDeflated: tenantSnapshots.activityDeflated })
    .from(tenantSnapshots)
    .where(inArray(tenantSnapshots.tenantsId, tenantIds));
  for (const row of rows) byTenant.set(row.tenantsId, { total: row.userCount, licensed: decodeActivity(row.activityDeflated) });
  return byTenant;
}

/**
 * The monthly price of one seat of each product for a company: the MSP's sell price (the company's
 * override first), else its cost price, else 0, as the current billing month in the MSP's zone has it.
 */
export async function monthlyPrices(executor: Executor, msp: ClientRow, now: Date, productIds: number[]): Promise<(companyId: number, productId: number) => Decimal> {
  if (productIds.length === 0) return () => ZERO;
  const period = periodContaining(now, msp.billingTimeZone);
  const entries = await executor
    .select()
    .from(priceEntries)
    .where(and(eq(priceEntries.clientsId, msp.id), inArray(priceEntries.productsId, productIds), lte(priceEntries.effectiveAt, period.start)));
  const book = new Map<string, PriceEntry[]>();
  for (const entry of entries) {
    const key = `${entry.layer}:${entry.companiesId ?? 'msp'}:${entry.productsId}`;
    const list = book.get(key) ?? [];
    list.push({ effectiveAt: entry.effectiveAt, price: new Decimal(entry.unitPrice), recordedAt: entry.createdAt });
    book.set(key, list);
  }
  const priceIn = (layer: 'cost' | 'sell', companyId: number, productId: number) =>
    priceForMonth(book.get(`${layer}:${companyId}:${productId}`) ?? [], period.start) ?? priceForMonth(book.get(`${layer}:msp:${productId}`) ?? [], period.start);
  return (companyId, productId) => priceIn('sell', companyId, productId) ?? priceIn('cost', companyId, productId) ?? ZERO;
}

/** Prices and figures for tenants (of any MSPs), in the order given. */
export async function describeTenants(executor: Executor, rows: readonly TenantInScope[], now: Date): Promise<TenantView[]> {
  if (rows.length === 0) return [];
  const tenantIds = rows.map((row) => row.tenant.id);
  const mspIds = [...new Set(rows.map((row) => row.company.resellersId!))];
  // One after another: the executor may be a transaction, which runs one statement at a time.
  const msps = await executor.select().from(clients).where(inArray(clients.id, mspIds));
  const skuRows = await executor
    .select({ sku: tenantSkus, name: products.name })
    .from(tenantSkus)
    .innerJoin(products, eq(products.id, tenantSkus.productsId))
    .where(inArray(tenantSkus.tenantsId, tenantIds))
    .orderBy(asc(tenantSkus.tenantsId), asc(products.sortOrder), asc(tenantSkus.skuPartNumber));
  const usersByTenant = await loadTenantUsers(executor, tenantIds);
  const perMsp = new Map<number, { msp: ClientRow; settings: LicenseSettings; currency: string; price: (companyId: number, productId: number) => Decimal }>();
  for (const msp of msps) {
    const productIds = [...new Set(skuRows.map((row) => row.sku.productsId))];
    perMsp.set(msp.id, {
      msp,
      settings: await loadLicenseSettings(executor, msp.id),
      currency: await currencyCodeOf(executor, msp.currenciesId),
      price: await monthlyPrices(executor, msp, now, productIds),
    });
  }
  return rows.map(({ tenant, company }) => {
    const owner = perMsp.get(company.resellersId!)!;
    const skus = skuRows
      .filter((row) => row.sku.tenantsId === tenant.id)
      .map((row): SkuView => ({ ...row.sku, name: row.name, monthlyPrice: owner.price(company.id, row.sku.productsId) }));
    const figures = tenantFigures(
      skus.map((sku) => ({ skuPartNumber: sku.skuPartNumber, purchased: sku.purchased, assigned: sku.assigned, monthlyPrice: sku.monthlyPrice })),
      usersByTenant.get(tenant.id) ?? { total: 0, licensed: [] },
      now,
      owner.settings.inactiveAfterDays,
    );
    return { tenant, company, msp: owner.msp, settings: owner.settings, currency: owner.currency, skus, figures };
  });
}
