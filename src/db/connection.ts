import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or an open transaction: services pass the transaction handle down (PGlite deadlocks otherwise). */
export type Executor = Orm | Tx;

export interface Connection {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  exec(script: string): Promise<void>;
}

export interface Database {
  engine: 'pglite' | 'postgres';
  orm: Orm;
  /** One dedicated connection, for session-level work such as advisory locks and migrations. */
  withConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T>;
  /** Subscribes to NOTIFY on a channel; `onLost` runs when notifications may have been missed. */
  listen(channel: string, onMessage: (payload: string) => void, onLost?: () => void): Promise<void>;
  close(): Promise<void>;
}

// Both drivers return the same JS types: int8 as number (ids stay below 2^53), numeric and date as strings.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const asString = (value: string) => value;

pg.types.setTypeParser(INT8, (value: string) => Number(value));
pg.types.setTypeParser(NUMERIC, asString);
pg.types.setTypeParser(DATE, asString);

export interface OpenOptions {
  /** postgres://… selects PostgreSQL; otherwise PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; omitted means in memory. */
  dataDir?: string;
  /** PostgreSQL schema to use (tests give each file its own). */
  searchPath?: string;
  /** An already open PGlite instance (a test clone). */
  pglite?: PGlite;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.searchPath, options.poolSize ?? 10);
  return openPglite(options);
}

export const pgliteParsers = {
  [INT8]: (value: string) => Number(value),
  [NUMERIC]: asString,
  [DATE]: asString,
};

async function openPglite(options: OpenOptions): Promise<Database> {
  let releaseLock = () => {};
  let instance = options.pglite;
  if (!instance) {
    if (options.dataDir) {
      const dataDir = resolve(options.dataDir);
      mkdirSync(dataDir, { recursive: true });
      releaseLock = lockDataDir(dataDir);
      try {
        instance = new PGlite(join(dataDir, 'pgdata'), { parsers: pgliteParsers });
        await instance.waitReady;
      } catch (error) {
        releaseLock();
        throw error;
      }
    } else {
      instance = new PGlite({ parsers: pgliteParsers });
      await instance.waitReady;
    }
  }
  const pglite = instance;
  const orm = drizzlePglite(pglite, { schema }) as unknown as Orm;
  const connection: Connection = {
    async query(text, params) {
      const result = await pglite.query(text, params as unknown[]);
      return result.rows as never;
    },
    async exec(script) {
      await pglite.exec(script);
    },
  };
  return {
    engine: 'pglite',
    orm,
    withConnection: (work) => work(connection),
    async listen(channel, onMessage) {
      await pglite.listen(channel, onMessage);
    },
    async close() {
      await pglite.close();
      releaseLock();
    },
  };
}

/**
 * PGlite does not lock its directory: two processes writing it lose rows silently.
 * The lock file holds our PID; a lock whose process is gone is stale and taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = join(dataDir, 'seatledger.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockPath, 'utf8').trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `${dataDir} is in use by process ${holder}. Stop it first, or use the running server's API ` +
            '(the embedded database allows one process at a time).',
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openPostgres(url: string, searchPath: string | undefined, poolSize: number): Promise<Database> {
  const connectionOptions: pg.ClientConfig = {
    connectionString: url,
    ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
  };
  const pool = new pg.Pool({ ...connectionOptions, max: poolSize });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  const orm = drizzlePostgres(pool, { schema }) as unknown as Orm;
  const listeners: pg.Client[] = [];
  let closing = false;
  return {
    engine: 'postgres',
    orm,
    async withConnection(work) {
      const client = await pool.connect();
      try {
        return await work({
          async query(text, params) {
            return (await client.query(text, params as unknown[])).rows;
          },
          async exec(script) {
            await client.query(script);
          },
        });
      } finally {
        client.release();
      }
    },
    async listen(channel, onMessage, onLost) {
      const connect = async (): Promise<void> => {
        const client = new pg.Client(connectionOptions);
        client.on('notification', (message) => {
          if (message.channel === channel) onMessage(message.payload ?? '');
        });
        client.on('error', () => {
          listeners.splice(listeners.indexOf(client), 1);
          client.end().catch(() => {});
          if (closing) return;
          onLost?.();
          setTimeout(() => connect().catch(() => onLost?.()), 1000).unref();
        });
        await client.connect();
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        listeners.push(client);
      };
      await connect();
    },
    async close() {
      closing = true;
      await Promise.all(listeners.map((client) => client.end().catch(() => {})));
      await pool.end();
    },
  };
}

/** Runs a raw query and returns its rows; both drivers answer with `{rows}`. */
export async function queryRows<Row = Record<string, unknown>>(executor: Executor, query: SQL): Promise<Row[]> {
  const result = (await executor.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}
