import { eq } from 'drizzle-orm';
import { products } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { requireUnlimited } from '../scope.ts';
import { loadProduct } from './product-record.ts';

/**
 * Removes a product from the catalog. NOTE: it is retired, not erased: ledger rows and closed
 * statements that name it must still resolve. Returns the rows changed.
 */
export async function retireProduct(ctx: Context, id: number): Promise<number> {
  requireUnlimited(ctx);
  return ctx.db.orm.transaction(async (tx) => {
    await loadProduct(tx, id);
    await tx.update(products).set({ status: 'retired', updatedAt: ctx.now() }).where(eq(products.id, id));
    await recordAudit(tx, ctx, { action: 'delete', entity: 'product', entityId: id, scopePath: null });
    return 1;
  });
}
