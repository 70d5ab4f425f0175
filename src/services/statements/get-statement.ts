import { invalid } from '../../api/errors.ts';
import { isDraft } from '../../domain/billing-period.ts';
import type { Context } from '../context.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import { loadClientInScope } from '../scope.ts';
import { billedStatement } from './billed-statement.ts';
import { presentStatement } from './present-statement.ts';

/** An MSP's statement for a month, every line with the intervals that produced it: frozen once closed, live before. */
export async function getStatement(ctx: Context, input: { clients_id: number; year: number; month: number }) {
  const msp = await loadClientInScope(ctx.db.orm, ctx, input.clients_id);
  if (msp.kind !== 'msp') throw invalid('Statements belong to MSPs: clients_id must be an MSP');
  const { closed, ...computed } = await billedStatement(ctx.db.orm, msp, input.year, input.month, 'cost');
  if (closed) return { ...presentStatement(computed, closed.currency, 'closed'), closed_at: closed.closedAt };
  const status = isDraft(input.year, input.month, msp.billingTimeZone, ctx.now()) ? 'draft' : 'due';
  return { ...presentStatement(computed, await currencyCodeOf(ctx.db.orm, msp.currenciesId), status), closed_at: null };
}
