import { createHash, randomBytes } from 'node:crypto';

/** Native keys read `sl_live_…`: a prefix a secret scanner and a human can recognise, then 32 random bytes. */
export const NATIVE_KEY_PREFIX = 'sl_live_';

export function generateApiKey(prefix = NATIVE_KEY_PREFIX): { key: string; hash: string; displayPrefix: string } {
  const key = prefix + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), displayPrefix: key.slice(0, prefix.length + 4) };
}

/** Keys are stored only as this hash: a database leak does not leak working keys. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Key lifetimes offered to key owners (spec/keeper-billing.md). */
export const KEY_LIFETIMES = { '24h': 86_400, '7d': 7 * 86_400, '30d': 30 * 86_400, '1y': 365 * 86_400, never: null } as const;
export type KeyLifetime = keyof typeof KEY_LIFETIMES;
