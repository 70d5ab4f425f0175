import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextAttemptDelaySeconds, retryAfterSeconds, WEBHOOK_MAX_ATTEMPTS } from '../../src/domain/webhook-retry.ts';

test('retries follow 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 24 h, within 10 % jitter, then stop', () => {
  const expected = [5, 300, 1800, 7200, 18_000, 36_000, 86_400];
  for (const [index, base] of expected.entries()) {
    const attempt = index + 1;
    assert.equal(nextAttemptDelaySeconds(attempt, null, () => 0.5), base, `after attempt ${attempt}`);
    assert.equal(nextAttemptDelaySeconds(attempt, null, () => 0), base * 0.9, `after attempt ${attempt}, earliest`);
    assert.equal(nextAttemptDelaySeconds(attempt, null, () => 1), base * 1.1, `after attempt ${attempt}, latest`);
  }
  assert.equal(WEBHOOK_MAX_ATTEMPTS, 8);
  assert.equal(nextAttemptDelaySeconds(8, null), null);
  assert.equal(nextAttemptDelaySeconds(8, 30), null);
});

test('a Retry-After is honoured as given, up to a day', () => {
  assert.equal(nextAttemptDelaySeconds(1, 42, () => 0.5), 42);
  assert.equal(nextAttemptDelaySeconds(3, 0, () => 0.5), 0);
  assert.equal(nextAttemptDelaySeconds(2, 999_999, () => 0.5), 86_400);
});

test('Retry-After reads seconds or an HTTP date', () => {
  const now = new Date('2026-05-22T09:00:00Z');
  assert.equal(retryAfterSeconds('120', now), 120);
  assert.equal(retryAfterSeconds('Fri, 22 May 2026 09:01:30 GMT', now), 90);
  assert.equal(retryAfterSeconds('Fri, 22 May 2026 08:00:00 GMT', now), 0);
  assert.equal(retryAfterSeconds('later', now), null);
  assert.equal(retryAfterSeconds(null, now), null);
});
