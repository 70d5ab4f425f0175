import type { Database } from '../../db/connection.ts';
import { activeMsps, closeMspMonth, dueMonths } from './close-statement.ts';

/**
 * MSPs closed at the same time on PostgreSQL: the rating runs in the database, so two connections
 * use two of its cores, and the rest of the pool stays free for requests. PGlite has one connection.
 */
const MSPS_CLOSED_TOGETHER = 2;

/**
 * The month-close job: closes every month whose close time has passed, for every MSP, catching up
 * on all months missed while no instance ran. Each month closes in its own transaction; an MSP's
 * months close in order, since a late change to one month becomes an adjustment in the next.
 */
export async function closeDueStatements(db: Database, now: Date): Promise<number> {
  const msps = await activeMsps(db.orm);
  let taken = 0;
  let closed = 0;
  const closeRemaining = async () => {
    while (taken < msps.length) {
      const msp = msps[taken++];
      for (const { year, month } of await dueMonths(db.orm, msp, now)) {
        const result = await db.orm.transaction((tx) => closeMspMonth(tx, msp, year, month, now, { face: 'system', method: 'statements.close_due', usersId: null }));
        if (result.closedNow) closed++;
      }
    }
  };
  const together = db.engine === 'postgres' ? MSPS_CLOSED_TOGETHER : 1;
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(together, msps.length) }, closeRemaining));
  // Every worker has stopped before the first failure is reported, so none runs on unobserved.
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  return closed;
}
