import { and, eq, ne } from 'drizzle-orm';
import { clients } from '../../db/schema.ts';
import { invalid, unprocessable } from '../../api/errors.ts';
import { billingPeriod } from '../../domain/billing-period.ts';
import type { Context } from '../context.ts';
import { loadClientInScope, requirePrincipal, withinScope } from '../scope.ts';
import { closeMspMonth } from './close-statement.ts';

/**
 * Closes a month now, for one MSP or every MSP in the caller's subtree, instead of waiting for the
 * close time. Only a month that is over can close; closing a closed month changes nothing.
 */
export async function closeStatements(ctx: Context, input: { clients_id?: number; year: number; month: number }) {
  const principal = requirePrincipal(ctx);
  const msps =
    input.clients_id !== undefined
      ? [await loadClientInScope(ctx.db.orm, ctx, input.clients_id)]
      : await ctx.db.orm
          .select()
          .from(clients)
          .where(and(eq(clients.kind, 'msp'), ne(clients.status, 'deleted'), withinScope(ctx, clients.path)));
  const now = ctx.now();
  const results = [];
  for (const msp of msps) {
    if (msp.kind !== 'msp') throw invalid('Statements belong to MSPs: clients_id must be an MSP');
    const period = billingPeriod(input.year, input.month, msp.billingTimeZone);
    if (period.end > now) {
      throw unprocessable('MonthNotOver', `${input.year}-${String(input.month).padStart(2, '0')} is not over yet in ${msp.billingTimeZone}`);
    }
    const { row, closedNow } = await ctx.db.orm.transaction((tx) =>
      closeMspMonth(tx, msp, input.year, input.month, now, { face: ctx.face, method: ctx.method, usersId: principal.usersId }),
    );
    results.push({ clients_id: msp.id, statements_id: row.id, total: row.total, currency: row.currency, closed_at: row.closedAt, closed_now: closedNow });
  }
  return { items: results, total: results.length };
}
