import { DateTime, IANAZone } from 'luxon';

/** One billing month of one MSP: [start, end) as UTC instants, bounded by local midnights in its zone. */
export interface BillingPeriod {
  year: number;
  /** 1–12. */
  month: number;
  zone: string;
  start: Date;
  end: Date;
  /** Real seconds between the bounds: 743 or 745 hours in a DST month, not 744. */
  seconds: number;
}

/** When a month closes, relative to the month after it, in the billing zone (billing-rules.md §5). */
export interface CloseSchedule {
  /** Day of the following month, 1–28 so that it exists in every month. */
  day: number;
  hour: number;
  minute: number;
}

export const DEFAULT_BILLING_ZONE = 'UTC';
export const DEFAULT_CLOSE_SCHEDULE: CloseSchedule = Object.freeze({ day: 4, hour: 0, minute: 0 });

/** Whether a name is an IANA zone luxon can use: `isValidZone('UTC')` → true, `isValidZone('Mars/Olympus')` → false. */
export function isValidZone(zone: string): boolean {
  // NOTE: not Intl.supportedValuesOf('timeZone'), which leaves out UTC itself (ARCHITECTURE.md, pitfall 10).
  return typeof zone === 'string' && zone.length > 0 && IANAZone.isValidZone(zone);
}

function assertMonth(year: number, month: number, zone: string): void {
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new RangeError(`Invalid year ${year}`);
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`Invalid month ${month}`);
  if (!isValidZone(zone)) throw new RangeError(`Invalid time zone "${zone}"`);
}

function localMidnight(year: number, month: number, day: number, zone: string): DateTime {
  // NOTE: where a DST change happens at midnight (America/Santiago, America/Havana) local 00:00 does
  // not exist on that day; luxon moves it forward to the first instant of the day, which is what a
  // month boundary means there.
  return DateTime.fromObject({ year, month, day }, { zone });
}

function nextMonthOf(year: number, month: number): { year: number; month: number } {
  return month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
}

/** The bounds of a month in a zone: `billingPeriod(2024, 3, 'America/New_York')` → 2024-03-01T05:00Z to 2024-04-01T04:00Z, 2,674,800 s. */
export function billingPeriod(year: number, month: number, zone: string = DEFAULT_BILLING_ZONE): BillingPeriod {
  assertMonth(year, month, zone);
  const next = nextMonthOf(year, month);
  const start = localMidnight(year, month, 1, zone).toJSDate();
  const end = localMidnight(next.year, next.month, 1, zone).toJSDate();
  return { year, month, zone, start, end, seconds: (end.getTime() - start.getTime()) / 1000 };
}

/** The length of a month in real seconds: `monthSeconds(2024, 11, 'America/New_York')` → 2,595,600 (30 days + 1 hour). */
export function monthSeconds(year: number, month: number, zone: string = DEFAULT_BILLING_ZONE): number {
  return billingPeriod(year, month, zone).seconds;
}

/** The billing month an instant falls in: `periodContaining(new Date('2024-03-01T03:00Z'), 'America/New_York')` → February 2024. */
export function periodContaining(instant: Date, zone: string = DEFAULT_BILLING_ZONE): BillingPeriod {
  if (!isValidZone(zone)) throw new RangeError(`Invalid time zone "${zone}"`);
  const local = DateTime.fromJSDate(instant, { zone });
  if (!local.isValid) throw new RangeError(`Invalid instant ${String(instant)}`);
  return billingPeriod(local.year, local.month, zone);
}

/** The month after a period, in the same zone: `followingPeriod(billingPeriod(2024, 12))` → January 2025. */
export function followingPeriod(period: BillingPeriod): BillingPeriod {
  const next = nextMonthOf(period.year, period.month);
  return billingPeriod(next.year, next.month, period.zone);
}

/** A month's label as adjustment lines name it: `monthLabel(2024, 3)` → "2024-03". */
export function monthLabel(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** When a month's draft freezes: `closeTime(2024, 1, 'Europe/London')` → 2024-02-04T00:00Z (00:00 on the 4th of the next month there). */
export function closeTime(year: number, month: number, zone: string = DEFAULT_BILLING_ZONE, schedule: CloseSchedule = DEFAULT_CLOSE_SCHEDULE): Date {
  assertMonth(year, month, zone);
  const { day, hour, minute } = schedule;
  if (!Number.isInteger(day) || day < 1 || day > 28) throw new RangeError(`Close day must be 1–28, got ${day}`);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new RangeError(`Close hour must be 0–23, got ${hour}`);
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) throw new RangeError(`Close minute must be 0–59, got ${minute}`);
  const next = nextMonthOf(year, month);
  return DateTime.fromObject({ year: next.year, month: next.month, day, hour, minute }, { zone }).toJSDate();
}

/** Whether a month is still a draft at `now`: `isDraft(2024, 1, 'UTC', new Date('2024-02-03T23:59Z'))` → true. */
export function isDraft(year: number, month: number, zone: string, now: Date, schedule: CloseSchedule = DEFAULT_CLOSE_SCHEDULE): boolean {
  return now.getTime() < closeTime(year, month, zone, schedule).getTime();
}
