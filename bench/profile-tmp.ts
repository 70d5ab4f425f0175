import { sql, eq } from 'drizzle-orm';
import { openDatabase } from '../src/db/connection.ts';
import { clients } from '../src/db/schema.ts';
import { billingPeriod } from '../src/domain/billing-period.ts';
import { rateMonthIntoLines } from '../src/services/statements/statement-lines.ts';
const schema = process.argv[2];
const db = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/test', searchPath: schema });
const [msp] = await db.orm.select().from(clients).where(eq(clients.id, 1001));
const period = billingPeriod(2026, 3, 'UTC');
const now = new Date('2026-04-05T12:00:00Z');
const times: number[] = [];
for (let i = 0; i < 9; i++) {
  await db.orm.transaction(async (tx) => {
    const [{ id }] = (await tx.execute(sql`INSERT INTO statements (clients_id, year, month, currency, period_start, period_end, sub_total, tax, total, client_name, tax_rate, closed_at) VALUES (1001, 2026, 9, 'USD', now(), now(), 0, 0, 0, 'x', 0, now()) RETURNING id`)).rows as any;
    const t = performance.now();
    const r = await rateMonthIntoLines(tx, { statementsId: id, msp, period, mspWindows: [{ from: period.start, to: period.end }], recordedBefore: new Date(now.getTime() + 1) });
    times.push(performance.now() - t);
    if (r.amount.toFixed() !== '1301284.88') throw new Error(r.amount.toFixed());
    tx.rollback();
  }).catch((e) => { if (!String(e).includes('Rollback')) throw e; });
}
times.sort((a, b) => a - b);
console.log('median', times[4].toFixed(0), 'min', times[0].toFixed(0));
await db.close();
