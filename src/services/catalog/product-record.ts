import { Decimal } from 'decimal.js';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { products } from '../../db/schema.ts';
import { notFound } from '../../api/errors.ts';

export type ProductRow = typeof products.$inferSelect;
export type ProductKind = ProductRow['kind'];
export type Proration = ProductRow['proration'];

/** A product as the native API shows it (billing-rules.md §1). */
export function presentProduct(row: ProductRow) {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    usage_unit: row.usageUnit,
    usage_unit_size: new Decimal(row.usageUnitSize).toFixed(),
    billing_unit: row.billingUnit,
    proration: row.proration,
    sort_order: row.sortOrder,
    sku: row.sku,
    uom: row.uom,
    feature_name: row.featureName,
    vendor: row.vendor,
    service_name: row.serviceName,
    status: row.status,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

export async function loadProduct(executor: Executor, id: number, options: { includeRetired?: boolean } = {}): Promise<ProductRow> {
  const [row] = await executor
    .select()
    .from(products)
    .where(and(eq(products.id, id), options.includeRetired ? undefined : eq(products.status, 'active')));
  if (!row) throw notFound(`Product ${id}`);
  return row;
}
