import { count, sql } from 'drizzle-orm';
import type { Database } from '../../db/connection.ts';
import { apiKeys, users } from '../../db/schema.ts';
import { generateApiKey, hashApiKey, NATIVE_KEY_PREFIX } from './api-key-format.ts';

const BOOTSTRAP_LOCK = 74_110_234;

/**
 * On an empty installation, creates the unlimited `admin` user and its first key. With a
 * configured key (SEATLEDGER_ADMIN_KEY) that exact key is used and never returned for printing.
 * Instances starting together agree through an advisory lock: one creates, the others see it.
 */
export async function bootstrapAdmin(db: Database, now: Date, configuredKey?: string): Promise<{ created: boolean; keyToShow: string | null }> {
  if (configuredKey !== undefined && configuredKey.length < 32) throw new Error('SEATLEDGER_ADMIN_KEY must be at least 32 characters');
  return db.orm.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK})`);
    const [{ existing }] = await tx.select({ existing: count() }).from(users);
    if (Number(existing) > 0) return { created: false, keyToShow: null };
    const [admin] = await tx
      .insert(users)
      .values({ login: 'admin', name: 'Administrator', status: 'active', failedLogins: 0, createdAt: now, updatedAt: now })
      .returning();
    const generated = configuredKey
      ? { key: configuredKey, hash: hashApiKey(configuredKey), displayPrefix: configuredKey.slice(0, NATIVE_KEY_PREFIX.length + 4) }
      : generateApiKey();
    await tx.insert(apiKeys).values({
      usersId: admin.id,
      name: 'first admin key',
      displayPrefix: generated.displayPrefix,
      keyHash: generated.hash,
      roles: ['BILLING'],
      access: 2,
      createdAt: now,
    });
    return { created: true, keyToShow: configuredKey ? null : generated.key };
  });
}
