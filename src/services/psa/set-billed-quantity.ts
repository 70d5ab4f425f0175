import { loadProduct } from '../catalog/product-record.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadCompanyInScope, upsertReconciliation, type BilledQuantity } from './reconciliation-record.ts';

/** Records what the PSA billed a company for a product in a month, or a decision on that line. Returns the rows changed. */
export async function setBilledQuantity(ctx: Context, input: BilledQuantity): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const company = await loadCompanyInScope(tx, ctx, input.clients_id);
    await loadProduct(tx, input.products_id, { includeRetired: true });
    await upsertReconciliation(tx, ctx, company, input, 'api');
    await recordAudit(tx, ctx, {
      action: input.status ? `reconcile:${input.status}` : 'set',
      entity: 'psa_reconciliation',
      entityId: `${company.id}:${input.products_id}:${input.year}-${input.month}`,
      scopePath: company.path,
      data: { ...input },
    });
    return 1;
  });
}
