import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, pgliteParsers, type Database } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrate.ts';

/** Which engine this run tests: PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const engine: 'postgres' | 'pglite' = TEST_DATABASE_URL ? 'postgres' : 'pglite';

let template: Promise<PGlite> | undefined;

/** A migrated PGlite made once per test file; each database is a clone of it (a fresh one costs seconds). */
function pgliteTemplate(): Promise<PGlite> {
  template ??= (async () => {
    const instance = new PGlite({ parsers: pgliteParsers });
    const database = await openDatabase({ pglite: instance });
    await migrate(database);
    return instance;
  })();
  return template;
}

export interface TestDatabase {
  db: Database;
  /** A second connection set to the same database, as another instance of Seatledger would open (PostgreSQL only). */
  openAnother(): Promise<Database>;
  close(): Promise<void>;
}

/** A fresh, migrated database: a PGlite clone, or its own schema on PostgreSQL. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = options.migrated ?? true;
  if (TEST_DATABASE_URL) {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const opened: Database[] = [];
    const open = async () => {
      const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, searchPath: schema, poolSize: 20 });
      opened.push(database);
      return database;
    };
    const db = await open();
    if (migrated) await migrate(db);
    return {
      db,
      openAnother: open,
      async close() {
        await Promise.all(opened.map((database) => database.close()));
        const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await cleanup.connect();
        await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
        await cleanup.end();
      },
    };
  }
  const instance = migrated ? await (await pgliteTemplate()).clone() : new PGlite({ parsers: pgliteParsers });
  const db = await openDatabase({ pglite: instance as PGlite });
  return {
    db,
    async openAnother() {
      throw new Error('PGlite is one process, one connection: only PostgreSQL has other instances');
    },
    close: () => db.close(),
  };
}

/** Closes the shared template, so the test process can exit. */
export async function closeTemplate(): Promise<void> {
  if (template) await (await template).close();
  template = undefined;
}
