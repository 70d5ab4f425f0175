import { and, eq, ilike, sql } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { licenseProducts, products } from '../../db/schema.ts';
import { skuDisplayName } from '../../domain/microsoft-skus.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';

// Any constant works; it serialises the first sight of SKUs across connections and instances.
const SKU_PRODUCT_LOCK = 74_110_909;
// Products made for SKUs take ids from here up, clear of vendors' own small ids.
const FIRST_SKU_PRODUCT_ID = 900_001;

/**
 * The catalog product that bills a SKU. The first time a SKU is seen it is matched to a Microsoft
 * product with that SKU already in the catalog, or a product is made for it (an add-on billed per user).
 */
export async function skuProducts(executor: Executor, ctx: Context, skus: ReadonlyArray<{ skuPartNumber: string; name?: string | null }>): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (skus.length === 0) return found;
  const wanted = [...new Set(skus.map((sku) => sku.skuPartNumber))];
  const load = async () => {
    const rows = await executor.select().from(licenseProducts).where(sql`${licenseProducts.skuPartNumber} IN (${sql.join(wanted.map((part) => sql`${part}`), sql`, `)})`);
    for (const row of rows) found.set(row.skuPartNumber, row.productsId);
  };
  await load();
  if (found.size === wanted.length) return found;
  await executor.execute(sql`SELECT pg_advisory_xact_lock(${SKU_PRODUCT_LOCK})`);
  await load();
  const now = ctx.now();
  for (const sku of skus) {
    if (found.has(sku.skuPartNumber)) continue;
    const [existing] = await executor
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.sku, sku.skuPartNumber), ilike(products.vendor, 'microsoft')))
      .orderBy(products.id)
      .limit(1);
    let productId = existing?.id;
    if (productId === undefined) {
      const [created] = await executor
        .insert(products)
        .values({
          id: sql`(SELECT greatest(coalesce(max(id), 0) + 1, ${FIRST_SKU_PRODUCT_ID}) FROM products)`,
          name: sku.name || skuDisplayName(sku.skuPartNumber),
          kind: 'addon',
          usageUnit: 'licenses',
          usageUnitSize: '1',
          billingUnit: 'user',
          proration: 'quantity',
          sortOrder: sql`(SELECT coalesce(max(sort_order), 0) + 10 FROM products)`,
          sku: sku.skuPartNumber,
          vendor: 'Microsoft',
          status: 'active',
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: products.id, name: products.name });
      productId = created.id;
      await recordAudit(executor, ctx, { action: 'create', entity: 'product', entityId: created.id, scopePath: null, data: { name: created.name, sku: sku.skuPartNumber } });
    }
    await executor.insert(licenseProducts).values({ skuPartNumber: sku.skuPartNumber, productsId: productId });
    found.set(sku.skuPartNumber, productId);
  }
  return found;
}
