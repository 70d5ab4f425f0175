import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';

/** The NOTIFY channel through which instances tell each other that a credential changed. */
export const CREDENTIALS_CHANNEL = 'seatledger_credentials';

/** `key:<sha256>` for one key, `user:<id>` for every key and token of a user, `all` when limits moved in the hierarchy. */
export type CredentialChange = `key:${string}` | `user:${number}` | 'all';

/** In-process listeners (the key cache) hear of a change as soon as the write commits. */
export const credentialChanges = new EventEmitter();

/** Announces a change to other instances (delivered on commit) and returns the in-process announcement to run after commit. */
export async function announceCredentialChange(executor: Executor, change: CredentialChange): Promise<() => void> {
  await executor.execute(sql`SELECT pg_notify(${CREDENTIALS_CHANNEL}, ${change})`);
  return () => credentialChanges.emit('change', change);
}
