import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/connection.ts';

export interface BenchDatabase {
  db: Database;
  label: string;
  drop(): Promise<void>;
}

/** PostgreSQL in a schema of its own when DATABASE_URL is set (dropped at the end), else an in-memory PGlite in this process. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const db = await openDatabase({});
    return { db, label: 'PGlite (in memory, same process)', drop: () => db.close() };
  }
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = await openDatabase({ databaseUrl: url, searchPath: schema });
  return {
    db,
    label: `PostgreSQL (${new URL(url).host}, schema ${schema})`,
    async drop() {
      await db.close();
      // Kept on request, to profile queries against the same rows afterwards.
      if (process.env.BENCH_KEEP_SCHEMA === '1') console.log(`kept schema ${schema}`);
      else await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
