import { and, asc, desc, eq, ne } from 'drizzle-orm';
import type { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { Executor } from '../../db/connection.ts';
import { enqueueJob } from '../../db/jobs.ts';
import { auditLog, clients, statements } from '../../db/schema.ts';
import { closeTime, followingPeriod, billingPeriod } from '../../domain/billing-period.ts';
import { roundMoney } from '../../domain/money.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import type { ClientRow } from '../scope.ts';
import { lateAdjustments, mspBillableWindows } from './compute-statement.ts';
import { adjustmentHolders, rateMonthIntoLines, writeStatementLines } from './statement-lines.ts';

export type StatementRow = typeof statements.$inferSelect;

const UNTIL_RATED = '0';

/**
 * Freezes one MSP's statement for a month as the ledger stands at `now`, exactly once: a second
 * closer (another instance, a retried job) waits on the statement's unique key, finds it and
 * changes nothing. The lines are rated into statement_lines inside the database; late changes to
 * earlier closed months become adjustment lines; the `statement.closed` event is queued in the same
 * transaction.
 */
export async function closeMspMonth(executor: Executor, msp: ClientRow, year: number, month: number, now: Date, actor: { face: string; method: string; usersId: number | null }): Promise<{ row: StatementRow; closedNow: boolean }> {
  const existing = async () =>
    (await executor.select().from(statements).where(and(eq(statements.clientsId, msp.id), eq(statements.year, year), eq(statements.month, month))))[0];
  const found = await existing();
  if (found) return { row: found, closedNow: false };
  const period = billingPeriod(year, month, msp.billingTimeZone);
  const currency = await currencyCodeOf(executor, msp.currenciesId);
  const [opened] = await executor
    .insert(statements)
    .values({
      clientsId: msp.id,
      year,
      month,
      currency,
      periodStart: period.start,
      periodEnd: period.end,
      // The totals are set below, in the same transaction, once the lines are written.
      subTotal: UNTIL_RATED,
      tax: UNTIL_RATED,
      total: UNTIL_RATED,
      clientName: msp.name,
      taxRate: msp.taxRate,
      closedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: statements.id });
  if (!opened) return { row: await existing(), closedNow: false };

  // Rows recorded up to and including the close instant belong to the month; later ones are late changes.
  const recordedBefore = new Date(now.getTime() + 1);
  const rated = await rateMonthIntoLines(executor, { statementsId: opened.id, msp, period, mspWindows: await mspBillableWindows(executor, msp, period), recordedBefore });
  const adjustments = await lateAdjustments(executor, msp, period, recordedBefore);
  // An adjustment line's breakdown is of the month it adjusts.
  const adjusted = await writeStatementLines(executor, opened.id, adjustmentHolders(msp, adjustments), (line) => {
    if (!line.adjusts) return period.seconds * 1000;
    const [adjustedYear, adjustedMonth] = line.adjusts.month.split('-').map(Number);
    return billingPeriod(adjustedYear, adjustedMonth, msp.billingTimeZone).seconds * 1000;
  });
  const subTotal = rated.amount.plus(adjusted);
  const tax = roundMoney(subTotal.times(msp.taxRate));
  const money = (value: Decimal) => value.toFixed(2);
  const totals = { subTotal: money(subTotal), tax: money(tax), total: money(subTotal.plus(tax)) };
  const [row] = await executor.update(statements).set(totals).where(eq(statements.id, opened.id)).returning();
  await enqueueJob(
    executor,
    {
      kind: 'event',
      payload: {
        type: 'statement.closed',
        clients_id: msp.id,
        data: { clients_id: msp.id, year, month, currency, sub_total: totals.subTotal, tax: totals.tax, total: totals.total, closed_at: now.toISOString() },
      },
      dedupeKey: `statement.closed:${msp.id}:${year}-${month}`,
    },
    now,
  );
  await executor.insert(auditLog).values({
    at: now,
    usersId: actor.usersId,
    apiKeysId: null,
    face: actor.face,
    method: actor.method,
    action: 'close',
    entity: 'statement',
    entityId: String(row.id),
    scopePath: msp.path,
    data: { year, month, total: row.total },
  });
  return { row, closedNow: true };
}

/** The months of an MSP that are due to close at `now` and are not closed yet, oldest first. */
export async function dueMonths(executor: Executor, msp: ClientRow, now: Date): Promise<Array<{ year: number; month: number }>> {
  const [last] = await executor
    .select({ year: statements.year, month: statements.month })
    .from(statements)
    .where(eq(statements.clientsId, msp.id))
    .orderBy(desc(statements.year), desc(statements.month))
    .limit(1);
  const created = DateTime.fromJSDate(msp.createdAt, { zone: msp.billingTimeZone });
  let period = last ? followingPeriod(billingPeriod(last.year, last.month, msp.billingTimeZone)) : billingPeriod(created.year, created.month, msp.billingTimeZone);
  const due: Array<{ year: number; month: number }> = [];
  while (closeTime(period.year, period.month, msp.billingTimeZone) <= now) {
    due.push({ year: period.year, month: period.month });
    period = followingPeriod(period);
  }
  return due;
}

/** Every active MSP, for the close job. */
export async function activeMsps(executor: Executor): Promise<ClientRow[]> {
  return executor
    .select()
    .from(clients)
    .where(and(eq(clients.kind, 'msp'), ne(clients.status, 'deleted')))
    .orderBy(asc(clients.id));
}
