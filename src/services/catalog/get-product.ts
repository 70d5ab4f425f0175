import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';
import { loadProduct, presentProduct } from './product-record.ts';

/** One product; the catalog is installation-wide, so every caller sees it. */
export async function getProduct(ctx: Context, id: number) {
  requirePrincipal(ctx);
  return presentProduct(await loadProduct(ctx.db.orm, id, { includeRetired: true }));
}
