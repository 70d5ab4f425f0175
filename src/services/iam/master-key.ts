import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/connection.ts';
import { settings } from '../../db/schema.ts';

const KEY_BYTES = 32;
const keys = new WeakMap<Database, Buffer>();

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.byteLength !== KEY_BYTES) throw new Error(`${where} must hold ${KEY_BYTES} bytes in base64`);
  return key;
}

/**
 * The master key: the configured one, else `<dataDir>/master.key`, made (mode 0600) on first start.
 * Two instances starting together both end up with the file that was written first.
 */
export function resolveMasterKey(configured: Buffer | undefined, dataDir: string): Buffer {
  if (configured) return configured;
  const directory = resolve(dataDir);
  const path = join(directory, 'master.key');
  mkdirSync(directory, { recursive: true });
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES).toString('base64') + '\n');
    } finally {
      closeSync(fd);
    }
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return decodeKey(readFileSync(path, 'utf8'), path);
}

/**
 * Makes the master key the one this database's secrets are sealed under. The database keeps a
 * fingerprint of the first key it saw, so an instance started with another key refuses to start
 * instead of failing every vendor request.
 */
export async function installMasterKey(db: Database, key: Buffer): Promise<void> {
  const fingerprint = createHmac('sha256', key).update('seatledger master key').digest('base64');
  await db.orm.insert(settings).values({ key: 'master_key_fingerprint', value: fingerprint }).onConflictDoNothing();
  const [row] = await db.orm.select().from(settings).where(eq(settings.key, 'master_key_fingerprint'));
  if (row.value !== fingerprint) {
    throw new Error('This master key is not the one this database was set up with: set MASTER_KEY (or DATA_DIR/master.key) to the original key');
  }
  keys.set(db, key);
}

export function masterKeyOf(db: Database): Buffer {
  const key = keys.get(db);
  if (!key) throw new Error('The master key was not loaded at start');
  return key;
}
