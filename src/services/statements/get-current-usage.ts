import { invalid } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { computeCurrentUsage, type UsageHolder } from './current-usage.ts';

function presentHolder(holder: UsageHolder) {
  return {
    clients_id: holder.clientId,
    name: holder.name,
    plan: holder.plan,
    invited_users: holder.invitedUsers,
    max_users: holder.maximumAllowedUsers,
    products: holder.products.map((product) => ({
      products_id: product.productId,
      product_name: product.productName,
      unit: product.usageUnit,
      held: product.held.toFixed(),
      quantity: product.usageQuantity.toFixed(),
    })),
  };
}

/** A snapshot of what an MSP and its companies hold right now. */
export async function getCurrentUsage(ctx: Context, input: { clients_id: number }) {
  const msp = await loadClientInScope(ctx.db.orm, ctx, input.clients_id);
  if (msp.kind !== 'msp') throw invalid('Usage belongs to MSPs: clients_id must be an MSP');
  const at = ctx.now();
  const usage = await computeCurrentUsage(ctx.db.orm, msp, at);
  return { clients_id: msp.id, at, msp_item: presentHolder(usage.mspItem), companies: usage.mcItems.map(presentHolder) };
}
