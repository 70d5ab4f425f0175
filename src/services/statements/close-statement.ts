import { and, asc, desc, eq, getTableColumns, ne, sql } from 'drizzle-orm';
import type { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { Executor } from '../../db/connection.ts';
import { enqueueJob } from '../../db/jobs.ts';
import { auditLog, clients, statements } from '../../db/schema.ts';
import { closeTime, followingPeriod, billingPeriod } from '../../domain/billing-period.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import type { ClientRow } from '../scope.ts';
import { computeStatement } from './compute-statement.ts';
import { frozenStatementText } from './frozen-statement.ts';

export type StatementRow = typeof statements.$inferSelect;
/** A closed statement without its body: what closing answers (a large MSP's body runs to megabytes). */
export type ClosedStatementRow = Omit<StatementRow, 'body'>;

const { body: _body, ...closedColumns } = getTableColumns(statements);

/**
 * Freezes one MSP's statement for a month as the ledger stands at `now`, exactly once: a second
 * closer (another instance, a retried job) finds the row and changes nothing. The `statement.closed`
 * event is queued in the same transaction.
 */
export async function closeMspMonth(executor: Executor, msp: ClientRow, year: number, month: number, now: Date, actor: { face: string; method: string; usersId: number | null }): Promise<{ row: ClosedStatementRow; closedNow: boolean }> {
  const [existing] = await executor
    .select(closedColumns)
    .from(statements)
    .where(and(eq(statements.clientsId, msp.id), eq(statements.year, year), eq(statements.month, month)));
  if (existing) return { row: existing, closedNow: false };
  // Rows recorded up to and including the close instant belong to the month; later ones are late changes.
  const computed = await computeStatement(executor, msp, year, month, { recordedBefore: new Date(now.getTime() + 1) });
  // The statement goes to the database as JSON text built once; the event needs only its totals.
  const body = frozenStatementText(computed.statement);
  const period = computed.period;
  const money = (value: Decimal) => value.toFixed(2);
  const totals = { subTotal: money(computed.statement.subTotal), tax: money(computed.statement.tax), total: money(computed.statement.total) };
  const currency = await currencyCodeOf(executor, msp.currenciesId);
  const [row] = await executor
    .insert(statements)
    .values({
      clientsId: msp.id,
      year,
      month,
      currency,
      periodStart: period.start,
      periodEnd: period.end,
      subTotal: totals.subTotal,
      tax: totals.tax,
      total: totals.total,
      body: sql`${body}::jsonb`,
      closedAt: now,
    })
    .onConflictDoNothing()
    .returning(closedColumns);
  if (!row) {
    const [winner] = await executor.select(closedColumns).from(statements).where(and(eq(statements.clientsId, msp.id), eq(statements.year, year), eq(statements.month, month)));
    return { row: winner, closedNow: false };
  }
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
