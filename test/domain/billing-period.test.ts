import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  billingPeriod,
  closeTime,
  DEFAULT_CLOSE_SCHEDULE,
  followingPeriod,
  isDraft,
  isValidZone,
  monthLabel,
  monthSeconds,
  periodContaining,
} from '../../src/domain/billing-period.ts';

const HOUR = 3600;
const DAY = 86_400;

test('billingPeriod: local midnights as UTC instants, and real seconds', () => {
  const cases: { year: number; month: number; zone: string; start: string; end: string; seconds: number; why: string }[] = [
    { year: 2024, month: 2, zone: 'UTC', start: '2024-02-01T00:00:00.000Z', end: '2024-03-01T00:00:00.000Z', seconds: 29 * DAY, why: 'leap February' },
    { year: 2023, month: 2, zone: 'UTC', start: '2023-02-01T00:00:00.000Z', end: '2023-03-01T00:00:00.000Z', seconds: 28 * DAY, why: 'common February' },
    { year: 2100, month: 2, zone: 'UTC', start: '2100-02-01T00:00:00.000Z', end: '2100-03-01T00:00:00.000Z', seconds: 28 * DAY, why: '2100 is not a leap year' },
    { year: 2024, month: 12, zone: 'UTC', start: '2024-12-01T00:00:00.000Z', end: '2025-01-01T00:00:00.000Z', seconds: 31 * DAY, why: 'year boundary' },
    { year: 2024, month: 3, zone: 'America/New_York', start: '2024-03-01T05:00:00.000Z', end: '2024-04-01T04:00:00.000Z', seconds: 31 * DAY - HOUR, why: 'spring forward' },
    { year: 2024, month: 11, zone: 'America/New_York', start: '2024-11-01T04:00:00.000Z', end: '2024-12-01T05:00:00.000Z', seconds: 30 * DAY + HOUR, why: 'fall back' },
    { year: 2024, month: 7, zone: 'America/New_York', start: '2024-07-01T04:00:00.000Z', end: '2024-08-01T04:00:00.000Z', seconds: 31 * DAY, why: 'summer, no change' },
    { year: 2024, month: 3, zone: 'Europe/London', start: '2024-03-01T00:00:00.000Z', end: '2024-03-31T23:00:00.000Z', seconds: 31 * DAY - HOUR, why: 'BST starts' },
    { year: 2024, month: 10, zone: 'Europe/London', start: '2024-09-30T23:00:00.000Z', end: '2024-11-01T00:00:00.000Z', seconds: 31 * DAY + HOUR, why: 'BST ends' },
    { year: 2024, month: 12, zone: 'Asia/Kolkata', start: '2024-11-30T18:30:00.000Z', end: '2024-12-31T18:30:00.000Z', seconds: 31 * DAY, why: 'half-hour offset' },
    { year: 2024, month: 4, zone: 'Australia/Lord_Howe', start: '2024-03-31T13:00:00.000Z', end: '2024-04-30T13:30:00.000Z', seconds: 30 * DAY + HOUR / 2, why: 'half-hour DST' },
    { year: 2024, month: 9, zone: 'America/Santiago', start: '2024-09-01T04:00:00.000Z', end: '2024-10-01T03:00:00.000Z', seconds: 30 * DAY - HOUR, why: 'southern spring, DST at midnight' },
    { year: 2023, month: 10, zone: 'America/Asuncion', start: '2023-10-01T04:00:00.000Z', end: '2023-11-01T03:00:00.000Z', seconds: 31 * DAY - HOUR, why: 'local midnight of day 1 does not exist: starts at 01:00' },
    { year: 2023, month: 9, zone: 'America/Asuncion', start: '2023-09-01T04:00:00.000Z', end: '2023-10-01T04:00:00.000Z', seconds: 30 * DAY, why: 'ends where the next month starts' },
  ];
  for (const { year, month, zone, start, end, seconds, why } of cases) {
    const period = billingPeriod(year, month, zone);
    const label = `${monthLabel(year, month)} ${zone} (${why})`;
    assert.equal(period.start.toISOString(), start, `${label} start`);
    assert.equal(period.end.toISOString(), end, `${label} end`);
    assert.equal(period.seconds, seconds, `${label} seconds`);
    assert.equal(monthSeconds(year, month, zone), seconds, `${label} monthSeconds`);
    assert.deepEqual({ year: period.year, month: period.month, zone: period.zone }, { year, month, zone });
  }
});

test('billingPeriod defaults to UTC', () => {
  assert.equal(billingPeriod(2024, 6).start.toISOString(), '2024-06-01T00:00:00.000Z');
  assert.equal(billingPeriod(2024, 6).zone, 'UTC');
});

test('billingPeriod refuses invalid months and zones', () => {
  const invalid: [number, number, string][] = [
    [2024, 0, 'UTC'],
    [2024, 13, 'UTC'],
    [2024, 1.5, 'UTC'],
    [2024.5, 1, 'UTC'],
    [2024, 1, 'Mars/Olympus'],
    [2024, 1, ''],
  ];
  for (const [year, month, zone] of invalid) assert.throws(() => billingPeriod(year, month, zone), RangeError, `${year}-${month} ${zone}`);
});

test('isValidZone uses the IANA database, UTC included', () => {
  const cases: [string, boolean][] = [
    ['UTC', true],
    ['Etc/UTC', true],
    ['America/New_York', true],
    ['Europe/London', true],
    ['Australia/Lord_Howe', true],
    ['Mars/Olympus', false],
    ['', false],
    ['+05:00', false],
    ['UTC+5', false],
    ['Z', false],
  ];
  for (const [zone, valid] of cases) assert.equal(isValidZone(zone), valid, JSON.stringify(zone));
});

test('closeTime: 00:00 on the 4th of the next month in the billing zone, or a configured schedule', () => {
  const cases: { year: number; month: number; zone: string; schedule?: { day: number; hour: number; minute: number }; expected: string }[] = [
    { year: 2024, month: 1, zone: 'UTC', expected: '2024-02-04T00:00:00.000Z' },
    { year: 2024, month: 12, zone: 'UTC', expected: '2025-01-04T00:00:00.000Z' },
    { year: 2024, month: 2, zone: 'America/New_York', expected: '2024-03-04T05:00:00.000Z' },
    { year: 2024, month: 3, zone: 'America/New_York', expected: '2024-04-04T04:00:00.000Z' },
    { year: 2024, month: 3, zone: 'Europe/London', expected: '2024-04-03T23:00:00.000Z' },
    { year: 2024, month: 10, zone: 'Europe/London', expected: '2024-11-04T00:00:00.000Z' },
    { year: 2024, month: 1, zone: 'UTC', schedule: { day: 1, hour: 6, minute: 30 }, expected: '2024-02-01T06:30:00.000Z' },
  ];
  for (const { year, month, zone, schedule, expected } of cases) {
    assert.equal(closeTime(year, month, zone, schedule).toISOString(), expected, `${monthLabel(year, month)} ${zone}`);
  }
  assert.deepEqual(DEFAULT_CLOSE_SCHEDULE, { day: 4, hour: 0, minute: 0 });
  assert.throws(() => closeTime(2024, 1, 'UTC', { day: 29, hour: 0, minute: 0 }), RangeError);
  assert.throws(() => closeTime(2024, 1, 'UTC', { day: 4, hour: 24, minute: 0 }), RangeError);
});

test('isDraft: a month is a draft until its close time, exclusive', () => {
  assert.equal(isDraft(2024, 1, 'UTC', new Date('2024-02-03T23:59:59.999Z')), true);
  assert.equal(isDraft(2024, 1, 'UTC', new Date('2024-02-04T00:00:00.000Z')), false);
  assert.equal(isDraft(2024, 2, 'America/New_York', new Date('2024-03-04T04:59:59.999Z')), true);
  assert.equal(isDraft(2024, 2, 'America/New_York', new Date('2024-03-04T05:00:00.000Z')), false);
});

test('periodContaining finds the billing month of an instant in the zone', () => {
  const cases: [string, string, string][] = [
    ['2024-03-01T03:00:00.000Z', 'America/New_York', '2024-02'],
    ['2024-03-01T05:00:00.000Z', 'America/New_York', '2024-03'],
    ['2024-03-31T23:00:00.000Z', 'Europe/London', '2024-04'],
    ['2024-03-31T22:59:59.999Z', 'Europe/London', '2024-03'],
    ['2024-12-31T23:59:59.999Z', 'UTC', '2024-12'],
    ['2023-10-01T04:00:00.000Z', 'America/Asuncion', '2023-10'],
  ];
  for (const [instant, zone, expected] of cases) {
    const period = periodContaining(new Date(instant), zone);
    assert.equal(monthLabel(period.year, period.month), expected, `${instant} in ${zone}`);
    assert.ok(period.start.getTime() <= new Date(instant).getTime() && new Date(instant).getTime() < period.end.getTime());
  }
});

test('followingPeriod and monthLabel', () => {
  const next = followingPeriod(billingPeriod(2024, 12, 'Europe/London'));
  assert.deepEqual([next.year, next.month, next.zone], [2025, 1, 'Europe/London']);
  assert.equal(monthLabel(2024, 3), '2024-03');
  assert.equal(monthLabel(999, 12), '0999-12');
});

const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago', 'America/Asuncion', 'Pacific/Chatham', 'Asia/Tehran'];

test('property: months tile time with no gap or overlap, and last 28 days − 1 h to 31 days + 1 h', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom(...ZONES), (year, month, zone) => {
      const period = billingPeriod(year, month, zone);
      const next = followingPeriod(period);
      assert.equal(period.end.getTime(), next.start.getTime());
      assert.equal(period.seconds, (period.end.getTime() - period.start.getTime()) / 1000);
      assert.ok(period.seconds >= 28 * DAY - HOUR && period.seconds <= 31 * DAY + HOUR, `${monthLabel(year, month)} ${zone}: ${period.seconds}`);
      assert.ok(Number.isInteger(period.seconds));
      const inside = new Date(period.start.getTime() + Math.floor((period.end.getTime() - period.start.getTime()) / 2));
      const found = periodContaining(inside, zone);
      assert.deepEqual([found.year, found.month], [year, month]);
      assert.ok(closeTime(year, month, zone).getTime() > period.end.getTime(), 'a month closes after it ends');
    }),
    { numRuns: 500 },
  );
});
