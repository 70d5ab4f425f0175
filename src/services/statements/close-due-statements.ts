import type { Database } from '../../db/connection.ts';
import { activeMsps, closeMspMonth, dueMonths } from './close-statement.ts';

/**
 * The month-close job: closes every month whose close time has passed, for every MSP, catching up
 * on all months missed while no instance ran. Each month closes in its own transaction.
 */
export async function closeDueStatements(db: Database, now: Date): Promise<number> {
  let closed = 0;
  for (const msp of await activeMsps(db.orm)) {
    for (const { year, month } of await dueMonths(db.orm, msp, now)) {
      const result = await db.orm.transaction((tx) => closeMspMonth(tx, msp, year, month, now, { face: 'system', method: 'statements.close_due', usersId: null }));
      if (result.closedNow) closed++;
    }
  }
  return closed;
}
