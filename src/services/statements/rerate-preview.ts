import { and, eq } from 'drizzle-orm';
import type { Decimal } from 'decimal.js';
import { statements } from '../../db/schema.ts';
import { invalid, unprocessable } from '../../api/errors.ts';
import { diffStatements, type StatementLine } from '../../domain/statement.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { rerateClosedMonth } from './compute-statement.ts';
import { readClosedStatement } from './statement-lines.ts';

const money = (value: Decimal) => value.toFixed(2);
const figures = (line: StatementLine | null) =>
  line && { quantity: line.quantity.toFixed(), unit_price: money(line.unitPrice), avg_monthly_cost: money(line.avgMonthlyCost) };

/** What a closed month would be under today's ledger and price books, line by line. Changes nothing. */
export async function reratePreview(ctx: Context, input: { clients_id: number; year: number; month: number }) {
  const msp = await loadClientInScope(ctx.db.orm, ctx, input.clients_id);
  if (msp.kind !== 'msp') throw invalid('Statements belong to MSPs: clients_id must be an MSP');
  const [closed] = await ctx.db.orm
    .select()
    .from(statements)
    .where(and(eq(statements.clientsId, msp.id), eq(statements.year, input.year), eq(statements.month, input.month)));
  if (!closed) throw unprocessable('StatementNotClosed', `${input.year}-${String(input.month).padStart(2, '0')} is not closed: its statement is computed live`);
  const difference = diffStatements(await readClosedStatement(ctx.db.orm, closed), await rerateClosedMonth(ctx.db.orm, msp, closed, undefined, 'today'));
  return {
    clients_id: msp.id,
    year: input.year,
    month: input.month,
    currency: closed.currency,
    lines: difference.lines.map((line) => ({
      owner: line.owner,
      clients_id: line.owner === 'msp' ? msp.id : Number(line.companyId),
      name: line.owner === 'msp' ? msp.name : line.companyName,
      products_id: line.productId,
      product_name: line.productName,
      change: line.change,
      before: figures(line.before),
      after: figures(line.after),
      difference: money(line.difference),
    })),
    sub_total: { before: money(difference.subTotal.before), after: money(difference.subTotal.after), difference: money(difference.subTotal.difference) },
    tax: { before: money(difference.tax.before), after: money(difference.tax.after), difference: money(difference.tax.difference) },
    total: { before: money(difference.total.before), after: money(difference.total.after), difference: money(difference.total.difference) },
  };
}
