// When a webhook delivery is tried again (spec/license-tracker.md, Delivery rules): about 0 s, 5 s, 5 min,
// 30 min, 2 h, 5 h, 10 h and 24 h after the previous attempt, with jitter; a receiver's Retry-After wins.

/** The wait after attempt n (1-based) before attempt n + 1; there is no attempt after the 8th. */
export const WEBHOOK_RETRY_DELAYS_SECONDS: readonly number[] = Object.freeze([5, 300, 1800, 7200, 18_000, 36_000, 86_400]);
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_SECONDS.length + 1;
const JITTER = 0.1;
const LONGEST_WAIT_SECONDS = 86_400;

/**
 * Seconds to wait before the next attempt, or null when none is left. A Retry-After (429 or 503) is
 * honoured as given, up to a day; otherwise the schedule applies with ±10 % jitter.
 * Example: after attempt 2 → 300 s × (0.9 … 1.1); after attempt 2 with Retry-After 42 → 42 s.
 */
export function nextAttemptDelaySeconds(attemptsMade: number, retryAfterSeconds: number | null, random: () => number = Math.random): number | null {
  if (attemptsMade >= WEBHOOK_MAX_ATTEMPTS) return null;
  if (retryAfterSeconds !== null && Number.isFinite(retryAfterSeconds)) return Math.min(LONGEST_WAIT_SECONDS, Math.max(0, retryAfterSeconds));
  const base = WEBHOOK_RETRY_DELAYS_SECONDS[attemptsMade - 1];
  return base * (1 - JITTER + 2 * JITTER * random());
}

/** Retry-After as seconds: a number of seconds or an HTTP date; null when absent or unreadable. `retryAfterSeconds('120', now)` → 120. */
export function retryAfterSeconds(header: string | null, now: Date): number | null {
  if (header === null || header.trim() === '') return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
