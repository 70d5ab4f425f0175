import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { products } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';
import { presentProduct, type ProductKind } from './product-record.ts';

export interface SearchProductsInput {
  limit: number;
  offset: number;
  kind?: ProductKind;
  vendor?: string;
  sku?: string;
  status?: 'active' | 'retired';
}

/** The catalog in catalog order (active products unless asked otherwise). */
export async function searchProducts(ctx: Context, input: SearchProductsInput) {
  requirePrincipal(ctx);
  const filters: SQL[] = [eq(products.status, input.status ?? 'active')];
  if (input.kind !== undefined) filters.push(eq(products.kind, input.kind));
  if (input.vendor !== undefined) filters.push(eq(products.vendor, input.vendor));
  if (input.sku !== undefined) filters.push(eq(products.sku, input.sku));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm.select().from(products).where(where).orderBy(asc(products.sortOrder), asc(products.id)).limit(input.limit).offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(products).where(where),
  ]);
  return { items: rows.map(presentProduct), total: Number(total) };
}
