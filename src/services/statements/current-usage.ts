import { and, asc, desc, eq, inArray, lte, ne } from 'drizzle-orm';
import { Decimal } from 'decimal.js';
import type { Executor } from '../../db/connection.ts';
import { clients, gaugeLedger, products, quantityLedger } from '../../db/schema.ts';
import { quantityAt, type LedgerEntry } from '../../domain/ledger.ts';
import type { ClientRow } from '../scope.ts';

export interface UsageProduct {
  productId: number;
  productName: string;
  kind: string;
  sortOrder: number;
  usageUnit: string;
  /** Held units × usage unit size: 1 held 1TB storage shows as 1000 GB. */
  usageQuantity: Decimal;
  held: Decimal;
}

export interface UsageHolder {
  clientId: number;
  name: string;
  plan: string | null;
  invitedUsers: number;
  maximumAllowedUsers: number;
  products: UsageProduct[];
}

/**
 * What an MSP and each of its companies hold at an instant (billing-rules.md §4): products with a
 * quantity above 0 in catalog order, the plan's name, and the company gauges.
 */
export async function computeCurrentUsage(executor: Executor, msp: ClientRow, at: Date): Promise<{ mspItem: UsageHolder; mcItems: UsageHolder[] }> {
  const companies = await executor
    .select({ id: clients.id, name: clients.name })
    .from(clients)
    .where(and(eq(clients.resellersId, msp.id), eq(clients.kind, 'company'), eq(clients.status, 'active')));
  const holderIds = [msp.id, ...companies.map((company) => company.id)];
  const [rows, gauges, catalog] = await Promise.all([
    executor
      .select()
      .from(quantityLedger)
      .where(and(inArray(quantityLedger.clientsId, holderIds), lte(quantityLedger.effectiveAt, at), lte(quantityLedger.recordedAt, at)))
      .orderBy(asc(quantityLedger.id)),
    executor
      .select()
      .from(gaugeLedger)
      .where(and(inArray(gaugeLedger.clientsId, holderIds), lte(gaugeLedger.effectiveAt, at)))
      .orderBy(desc(gaugeLedger.effectiveAt), desc(gaugeLedger.recordedAt), desc(gaugeLedger.id)),
    executor.select().from(products).where(ne(products.status, 'retired')),
  ]);
  const productById = new Map(catalog.map((product) => [product.id, product]));
  // Rows naming a consumer (detail) are that consumer's own ledger: the holder has their sum.
  const series = new Map<string, Map<string | null, LedgerEntry[]>>();
  for (const row of rows) {
    const key = `${row.clientsId}:${row.productsId}`;
    const consumers = series.get(key) ?? new Map<string | null, LedgerEntry[]>();
    const list = consumers.get(row.detail) ?? [];
    list.push({ effectiveAt: row.effectiveAt, recordedAt: row.recordedAt, quantity: new Decimal(row.quantity) });
    consumers.set(row.detail, list);
    series.set(key, consumers);
  }
  const gaugeValue = (clientId: number, gauge: 'invited_users' | 'max_users') =>
    gauges.find((row) => row.clientsId === clientId && row.gauge === gauge)?.value ?? 0;

  const holder = (clientId: number, name: string): UsageHolder => {
    const held: UsageProduct[] = [];
    for (const [key, consumers] of series) {
      const [owner, productId] = key.split(':').map(Number);
      if (owner !== clientId) continue;
      const product = productById.get(productId);
      const quantity = [...consumers.values()].reduce((sum, entries) => sum.plus(quantityAt(entries, at)), new Decimal(0));
      if (!product || quantity.lte(0)) continue;
      held.push({
        productId,
        productName: product.name,
        kind: product.kind,
        sortOrder: product.sortOrder,
        usageUnit: product.usageUnit,
        usageQuantity: quantity.times(product.usageUnitSize),
        held: quantity,
      });
    }
    held.sort((a, b) => Number(b.kind === 'plan') - Number(a.kind === 'plan') || a.sortOrder - b.sortOrder || a.productId - b.productId);
    return {
      clientId,
      name,
      plan: held.find((product) => product.kind === 'plan')?.productName ?? null,
      invitedUsers: gaugeValue(clientId, 'invited_users'),
      maximumAllowedUsers: gaugeValue(clientId, 'max_users'),
      products: held,
    };
  };
  const mcItems = companies
    .map((company) => holder(company.id, company.name))
    .filter((company) => company.products.length > 0)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.clientId - b.clientId);
  return { mspItem: holder(msp.id, msp.name), mcItems };
}
