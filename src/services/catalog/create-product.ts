import { sql } from 'drizzle-orm';
import { products } from '../../db/schema.ts';
import { conflict } from '../../api/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { requireUnlimited } from '../scope.ts';
import { presentProduct, type ProductKind, type Proration } from './product-record.ts';

export interface ProductFields {
  name: string;
  kind: ProductKind;
  usage_unit?: string;
  usage_unit_size?: string;
  billing_unit?: string | null;
  proration?: Proration;
  sort_order?: number;
  sku?: string | null;
  uom?: string | null;
  feature_name?: string | null;
  vendor?: string | null;
  service_name?: string | null;
}

/** Adds a product to the catalog under its vendor's own id; it goes last in catalog order unless placed. */
export async function createProduct(ctx: Context, input: ProductFields & { id: number }) {
  requireUnlimited(ctx);
  return ctx.db.orm.transaction(async (tx) => {
    const now = ctx.now();
    try {
      const [row] = await tx
        .insert(products)
        .values({
          id: input.id,
          name: input.name,
          kind: input.kind,
          usageUnit: input.usage_unit ?? '',
          usageUnitSize: input.usage_unit_size ?? '1',
          billingUnit: input.billing_unit ?? null,
          proration: input.proration ?? 'quantity',
          sortOrder: input.sort_order ?? sql`(SELECT coalesce(max(sort_order), 0) + 10 FROM products)`,
          sku: input.sku ?? null,
          uom: input.uom ?? null,
          featureName: input.feature_name ?? null,
          vendor: input.vendor ?? null,
          serviceName: input.service_name ?? null,
          status: 'active',
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordAudit(tx, ctx, { action: 'create', entity: 'product', entityId: row.id, scopePath: null, data: { name: row.name } });
      return presentProduct(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Product ${input.id} already exists`);
      throw error;
    }
  });
}
