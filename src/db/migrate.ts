import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './connection.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it only has to be the same for every instance of Seatledger.
const MIGRATION_LOCK = 74_110_233;

export interface MigrationFile {
  name: string;
  sql: string;
  sha256: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, sql, sha256: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations, one transaction per file, under an advisory lock so that
 * instances starting together see one applier. Refuses to start when an applied file was edited.
 */
export async function migrate(database: Database, files = readMigrations()): Promise<string[]> {
  return database.withConnection(async (connection) => {
    await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await connection.exec(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const applied = new Map(
        (await connection.query<{ name: string; sha256: string }>('SELECT name, sha256 FROM schema_migrations')).map(
          (row) => [row.name, row.sha256],
        ),
      );
      for (const [name, sha256] of applied) {
        const file = files.find((candidate) => candidate.name === name);
        if (file && file.sha256 !== sha256) {
          throw new Error(`Migration ${name} was edited after it was applied (sha256 ${sha256} → ${file.sha256}). Add a new migration instead.`);
        }
      }
      const newlyApplied: string[] = [];
      for (const file of files) {
        if (applied.has(file.name)) continue;
        await connection.exec('BEGIN');
        try {
          await connection.exec(file.sql);
          await connection.query('INSERT INTO schema_migrations (name, sha256) VALUES ($1, $2)', [file.name, file.sha256]);
          await connection.exec('COMMIT');
        } catch (error) {
          await connection.exec('ROLLBACK');
          throw new Error(`Migration ${file.name} failed: ${(error as Error).message}`);
        }
        newlyApplied.push(file.name);
      }
      return newlyApplied;
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
