import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { statements } from '../../db/schema.ts';
import { billingPeriod } from '../../domain/billing-period.ts';
import type { ClientRow } from '../scope.ts';
import type { StatementRow } from './close-statement.ts';
import { computeStatement, type ComputedStatement } from './compute-statement.ts';
import { readClosedStatement } from './statement-lines.ts';

/**
 * An MSP's month as it was billed, with its closed statement row when it has one. Once the month is
 * closed, the cost layer is the frozen statement and the sell layer is rated from the ledger and price
 * books as they stood at the close, so neither moves with a late change (that becomes an adjustment
 * in a later month). Before the close, both are live.
 */
export async function billedStatement(executor: Executor, msp: ClientRow, year: number, month: number, layer: 'cost' | 'sell'): Promise<ComputedStatement & { closed: StatementRow | null }> {
  const [closed] = await executor
    .select()
    .from(statements)
    .where(and(eq(statements.clientsId, msp.id), eq(statements.year, year), eq(statements.month, month)));
  if (!closed) return { ...(await computeStatement(executor, msp, year, month, { layer })), closed: null };
  if (layer === 'cost') return { msp, period: billingPeriod(year, month, msp.billingTimeZone), statement: await readClosedStatement(executor, closed), closed };
  // Rows and prices recorded up to and including the close instant are the month's, as the close read them.
  const asClosed = new Date(closed.closedAt.getTime() + 1);
  return { ...(await computeStatement(executor, msp, year, month, { layer, recordedBefore: asClosed, pricesRecordedBefore: asClosed })), closed };
}
