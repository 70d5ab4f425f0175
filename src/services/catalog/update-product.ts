import { eq } from 'drizzle-orm';
import { products } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { requireUnlimited } from '../scope.ts';
import type { ProductFields } from './create-product.ts';
import { loadProduct } from './product-record.ts';

/** Changes a product's fields; returns the rows changed. Statements already closed keep what they froze. */
export async function updateProduct(ctx: Context, input: Partial<ProductFields> & { id: number }): Promise<number> {
  requireUnlimited(ctx);
  return ctx.db.orm.transaction(async (tx) => {
    const product = await loadProduct(tx, input.id);
    const changes = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.kind !== undefined && { kind: input.kind }),
      ...(input.usage_unit !== undefined && { usageUnit: input.usage_unit }),
      ...(input.usage_unit_size !== undefined && { usageUnitSize: input.usage_unit_size }),
      ...(input.billing_unit !== undefined && { billingUnit: input.billing_unit }),
      ...(input.proration !== undefined && { proration: input.proration }),
      ...(input.sort_order !== undefined && { sortOrder: input.sort_order }),
      ...(input.sku !== undefined && { sku: input.sku }),
      ...(input.uom !== undefined && { uom: input.uom }),
      ...(input.feature_name !== undefined && { featureName: input.feature_name }),
      ...(input.vendor !== undefined && { vendor: input.vendor }),
      ...(input.service_name !== undefined && { serviceName: input.service_name }),
    };
    if (Object.keys(changes).length === 0) return 0;
    await tx.update(products).set({ ...changes, updatedAt: ctx.now() }).where(eq(products.id, product.id));
    await recordAudit(tx, ctx, { action: 'update', entity: 'product', entityId: product.id, scopePath: null, data: { fields: Object.keys(changes) } });
    return 1;
  });
}
