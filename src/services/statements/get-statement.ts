import { and, eq } from 'drizzle-orm';
import { statements } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { billingPeriod, isDraft } from '../../domain/billing-period.ts';
import type { Context } from '../context.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import { loadClientInScope } from '../scope.ts';
import { computeStatement } from './compute-statement.ts';
import { readClosedStatement } from './statement-lines.ts';
import { presentStatement } from './present-statement.ts';

/** An MSP's statement for a month, every line with the intervals that produced it: frozen once closed, live before. */
export async function getStatement(ctx: Context, input: { clients_id: number; year: number; month: number }) {
  const msp = await loadClientInScope(ctx.db.orm, ctx, input.clients_id);
  if (msp.kind !== 'msp') throw invalid('Statements belong to MSPs: clients_id must be an MSP');
  const [closed] = await ctx.db.orm
    .select()
    .from(statements)
    .where(and(eq(statements.clientsId, msp.id), eq(statements.year, input.year), eq(statements.month, input.month)));
  if (closed) {
    const period = billingPeriod(input.year, input.month, msp.billingTimeZone);
    return { ...presentStatement({ msp, period, statement: await readClosedStatement(ctx.db.orm, closed) }, closed.currency, 'closed'), closed_at: closed.closedAt };
  }
  const computed = await computeStatement(ctx.db.orm, msp, input.year, input.month);
  const status = isDraft(input.year, input.month, msp.billingTimeZone, ctx.now()) ? 'draft' : 'due';
  return { ...presentStatement(computed, await currencyCodeOf(ctx.db.orm, msp.currenciesId), status), closed_at: null };
}
