import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { queryRows, type Database } from '../../src/db/connection.ts';
import { enqueueJob, RetryLater, runDueJobs, type ClaimedJob, type JobHandler } from '../../src/db/jobs.ts';
import { TestClock } from '../support/app.ts';
import { closeTemplate, createTestDatabase, engine, type TestDatabase } from '../support/database.ts';

const log = pino({ level: 'silent' });
const opened: TestDatabase[] = [];
after(async () => {
  for (const database of opened.splice(0)) await database.close();
  await closeTemplate();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  opened.push(database);
  return database;
}

interface JobRow {
  id: number;
  status: string;
  attempts: number;
  run_at: Date;
  last_error: string | null;
  finished_at: Date | null;
  locked_by: string | null;
}

async function jobRows(db: Database): Promise<JobRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db.orm,
    sql`SELECT id, status, attempts, run_at, last_error, finished_at, locked_by FROM jobs ORDER BY id`,
  );
  return rows.map((row) => ({
    ...(row as unknown as JobRow),
    run_at: new Date(row.run_at as string),
    finished_at: row.finished_at === null ? null : new Date(row.finished_at as string),
  }));
}

/** A worker over one kind, on the test clock; answers what each call ran. */
function worker(db: Database, clock: TestClock, handler: JobHandler, options: { workerId?: string; leaseSeconds?: number } = {}) {
  return () => runDueJobs({ db, handlers: { 'mail.statement': handler }, log, now: clock.now, workerId: options.workerId ?? 'worker-a', leaseSeconds: options.leaseSeconds });
}

const plusSeconds = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

test('a job enqueued in a transaction that rolls back never runs; one in a committed transaction does', async () => {
  const { db } = await freshDatabase();
  const clock = new TestClock();
  await assert.rejects(
    db.orm.transaction(async (tx) => {
      await enqueueJob(tx, { kind: 'mail.statement', payload: { statement: 'rolled back' } }, clock.now());
      tx.rollback();
    }),
  );
  await db.orm.transaction(async (tx) => {
    await enqueueJob(tx, { kind: 'mail.statement', payload: { statement: 'committed' } }, clock.now());
  });

  const ran: unknown[] = [];
  const count = await worker(db, clock, async (job) => void ran.push(job.payload))();

  assert.equal(count, 1);
  assert.deepEqual(ran, [{ statement: 'committed' }]);
  assert.equal((await jobRows(db)).length, 1);
});

test('a job enqueued many times under one dedupe key is stored and run once', async () => {
  const { db } = await freshDatabase();
  const clock = new TestClock();
  await Promise.all(
    [1, 2, 3, 4, 5].map((attempt) =>
      enqueueJob(db.orm, { kind: 'mail.statement', payload: { attempt }, dedupeKey: 'month-close:2026-03' }, clock.now()),
    ),
  );
  await enqueueJob(db.orm, { kind: 'mail.statement', payload: { attempt: 6 }, dedupeKey: 'month-close:2026-03' }, clock.now());

  const ran: unknown[] = [];
  await worker(db, clock, async (job) => void ran.push(job.payload))();

  assert.equal((await jobRows(db)).length, 1);
  assert.equal(ran.length, 1);
});

test('a failing job is retried later with a growing backoff, keeping the attempt count and the last error', async () => {
  const { db } = await freshDatabase();
  const clock = new TestClock();
  await enqueueJob(db.orm, { kind: 'mail.statement', maxAttempts: 5 }, clock.now());
  const run = worker(db, clock, async (job) => {
    throw new Error(`mail server refused attempt ${job.attempts}`);
  });

  const firstFailure = clock.now();
  assert.equal(await run(), 1);
  const [afterFirst] = await jobRows(db);
  assert.equal(afterFirst.status, 'queued');
  assert.equal(afterFirst.attempts, 1);
  assert.equal(afterFirst.last_error, 'mail server refused attempt 1');
  // 2^1 s ± 20 %
  assert.ok(afterFirst.run_at >= plusSeconds(firstFailure, 1.6) && afterFirst.run_at <= plusSeconds(firstFailure, 2.4), String(afterFirst.run_at));

  clock.set(plusSeconds(afterFirst.run_at, -0.001));
  assert.equal(await run(), 0, 'not due before its retry time');

  clock.set(afterFirst.run_at);
  const secondFailure = clock.now();
  assert.equal(await run(), 1);
  const [afterSecond] = await jobRows(db);
  assert.equal(afterSecond.status, 'queued');
  assert.equal(afterSecond.attempts, 2);
  assert.equal(afterSecond.last_error, 'mail server refused attempt 2');
  // 2^2 s ± 20 %
  assert.ok(afterSecond.run_at >= plusSeconds(secondFailure, 3.2) && afterSecond.run_at <= plusSeconds(secondFailure, 4.8), String(afterSecond.run_at));
});

test('a job that keeps failing ends failed after its last attempt and is not run again', async () => {
  const { db } = await freshDatabase();
  const clock = new TestClock();
  await enqueueJob(db.orm, { kind: 'mail.statement', maxAttempts: 3 }, clock.now());
  let calls = 0;
  const run = worker(db, clock, async (job) => {
    calls++;
    throw new Error(`mail server refused attempt ${job.attempts}`);
  });

  for (let attempt = 1; attempt <= 3; attempt++) {
    assert.equal(await run(), 1, `attempt ${attempt}`);
    clock.advance(3600);
  }
  const [job] = await jobRows(db);
  assert.equal(job.status, 'failed');
  assert.equal(job.attempts, 3);
  assert.equal(job.last_error, 'mail server refused attempt 3');
  assert.notEqual(job.finished_at, null);

  clock.advance(30 * 86_400);
  assert.equal(await run(), 0);
  assert.equal(calls, 3);
});

test('RetryLater sets the exact time of the next attempt', async () => {
  const { db } = await freshDatabase();
  const clock = new TestClock();
  await enqueueJob(db.orm, { kind: 'mail.statement' }, clock.now());
  const retryAt = new Date('2026-03-10T12:01:30.250Z');
  const attempts: number[] = [];
  const run = worker(db, clock, async (job) => {
    attempts.push(job.attempts);
    if (job.attempts === 1) throw new RetryLater('receiver asked to retry after 90 s', retryAt);
  });

  await run();
  const [job] = await jobRows(db);
  assert.deepEqual(
    { status: job.status, attempts: job.attempts, run_at: job.run_at.toISOString(), last_error: job.last_error },
    { status: 'queued', attempts: 1, run_at: retryAt.toISOString(), last_error: 'receiver asked to retry after 90 s' },
  );

  clock.set(new Date(retryAt.getTime() - 1));
  assert.equal(await run(), 0);
  clock.set(retryAt);
  assert.equal(await run(), 1);
  assert.deepEqual(attempts, [1, 2]);
});

test('a job whose worker died is taken over by another worker once its lease expires', async () => {
  const { db } = await freshDatabase();
  const clock = new TestClock();
  await enqueueJob(db.orm, { kind: 'mail.statement', payload: { statement: 7 } }, clock.now());
  let wakeDeadWorker = () => {};
  const deadWorker = worker(db, clock, () => new Promise<void>((resolve) => (wakeDeadWorker = resolve)), { workerId: 'dead', leaseSeconds: 60 });
  const takenOver: ClaimedJob[] = [];
  const survivor = worker(db, clock, async (job) => void takenOver.push(job), { workerId: 'survivor', leaseSeconds: 60 });

  const hanging = deadWorker();
  for (let poll = 0; (await jobRows(db))[0].status !== 'running'; poll++) {
    assert.ok(poll < 1000, 'the first worker claims the job');
    await new Promise((resolve) => setImmediate(resolve));
  }

  clock.advance(59);
  assert.equal(await survivor(), 0, 'the lease still holds');
  clock.advance(2);
  assert.equal(await survivor(), 1);
  assert.deepEqual(
    takenOver.map((job) => ({ payload: job.payload, attempts: job.attempts })),
    [{ payload: { statement: 7 }, attempts: 2 }],
  );
  const [job] = await jobRows(db);
  assert.equal(job.status, 'done');

  wakeDeadWorker();
  assert.equal(await hanging, 1);
  const [afterDeadWorkerWoke] = await jobRows(db);
  assert.deepEqual(afterDeadWorkerWoke, job, 'the late finish of the dead worker changes nothing');
});

test(
  'four instances working the same queue run each of 200 jobs exactly once',
  { skip: engine !== 'postgres' && 'needs PostgreSQL' },
  async () => {
    const database = await freshDatabase();
    const clock = new TestClock();
    const instances = [await database.openAnother(), await database.openAnother(), await database.openAnother(), await database.openAnother()];
    for (let statement = 0; statement < 200; statement++) {
      await enqueueJob(database.db.orm, { kind: 'mail.statement', payload: { statement } }, clock.now());
    }

    const runs = new Map<number, number>();
    await Promise.all(
      instances.map(async (db, index) => {
        const run = () =>
          runDueJobs({
            db,
            log,
            now: clock.now,
            workerId: `instance-${index}`,
            batchSize: 5,
            handlers: {
              'mail.statement': async (job) => {
                const statement = Number(job.payload.statement);
                runs.set(statement, (runs.get(statement) ?? 0) + 1);
                await db.orm.execute(sql`SELECT 1`);
              },
            },
          });
        while ((await run()) > 0);
      }),
    );

    const expected = Array.from({ length: 200 }, (_, statement) => statement);
    assert.deepEqual([...runs.keys()].sort((a, b) => a - b), expected, 'every job ran');
    assert.deepEqual([...runs.entries()].filter(([, count]) => count !== 1), [], 'no job ran twice');
    const statuses = await queryRows<{ status: string; jobs: number }>(database.db.orm, sql`SELECT status, count(*)::int AS jobs FROM jobs GROUP BY status`);
    assert.deepEqual(statuses, [{ status: 'done', jobs: 200 }]);
  },
);
