import type { Decimal } from 'decimal.js';
import { roundQuantity, ZERO } from './money.ts';

/** One row of the quantity ledger for one (client, product), as far as billing needs it. */
export interface LedgerEntry {
  effectiveAt: Date;
  recordedAt: Date;
  quantity: Decimal;
}

/** A half-open span of time [from, to). */
export interface TimeWindow {
  from: Date;
  to: Date;
}

/** A quantity held throughout [from, to). */
export interface HeldInterval extends TimeWindow {
  quantity: Decimal;
}

export interface LedgerView {
  /** Only rows recorded strictly before this instant count: the ledger as it stood at a month's close. */
  recordedBefore?: Date;
}

/** A point where the held quantity changes, after supersedes and the recording cutoff are applied. */
interface Step {
  at: number;
  quantity: Decimal;
}

function assertWindow(window: TimeWindow, what: string): void {
  const from = window.from.getTime();
  const to = window.to.getTime();
  if (Number.isNaN(from) || Number.isNaN(to)) throw new RangeError(`${what} has an invalid instant`);
  if (from > to) throw new RangeError(`${what} ends (${window.to.toISOString()}) before it starts (${window.from.toISOString()})`);
}

/**
 * The ledger's effective steps: one per distinct effective_at, the latest recorded row winning.
 * Rows recorded at the same instant for the same effective_at keep input order, so callers pass rows
 * in insertion (id) order and the last one inserted wins, as it would in the database.
 */
function effectiveSteps(entries: readonly LedgerEntry[], view: LedgerView): Step[] {
  const cutoff = view.recordedBefore?.getTime();
  const winners = new Map<number, { recordedAt: number; quantity: Decimal }>();
  for (const entry of entries) {
    const at = entry.effectiveAt.getTime();
    const recordedAt = entry.recordedAt.getTime();
    if (Number.isNaN(at) || Number.isNaN(recordedAt)) throw new RangeError('A ledger row has an invalid instant');
    if (entry.quantity.isNegative() && !entry.quantity.isZero()) throw new RangeError(`A ledger quantity cannot be negative: ${entry.quantity.toFixed()}`);
    if (cutoff !== undefined && recordedAt >= cutoff) continue;
    const current = winners.get(at);
    if (!current || recordedAt >= current.recordedAt) winners.set(at, { recordedAt, quantity: roundQuantity(entry.quantity) });
  }
  return [...winners.entries()].sort(([a], [b]) => a - b).map(([at, { quantity }]) => ({ at, quantity }));
}

/**
 * The step function of the held quantity over [window.from, window.to): zero spans are left out and
 * neighbours holding the same quantity are merged.
 * Example: rows 5 from Mar 10 and 0 from Mar 20, clipped to March → [{Mar 10, Mar 20, 5}].
 */
export function heldIntervals(entries: readonly LedgerEntry[], window: TimeWindow, view: LedgerView = {}): HeldInterval[] {
  assertWindow(window, 'The period');
  const steps = effectiveSteps(entries, view);
  const periodFrom = window.from.getTime();
  const periodTo = window.to.getTime();
  const intervals: HeldInterval[] = [];
  steps.forEach((step, index) => {
    const from = Math.max(step.at, periodFrom);
    const to = Math.min(index + 1 < steps.length ? steps[index + 1].at : Infinity, periodTo);
    if (from >= to || step.quantity.isZero()) return;
    appendHeld(intervals, { from: new Date(from), to: new Date(to), quantity: step.quantity });
  });
  return intervals;
}

/** Appends a held interval to a list in time order; one that starts where the last ends, holding the same quantity, extends it. */
export function appendHeld(intervals: HeldInterval[], interval: HeldInterval): void {
  const previous = intervals[intervals.length - 1];
  if (previous && previous.to.getTime() === interval.from.getTime() && previous.quantity.equals(interval.quantity)) previous.to = interval.to;
  else intervals.push(interval);
}

/** What was held at one instant (0 when nothing): rows 5 from Mar 10 and 0 from Mar 20 → `quantityAt(rows, Mar 15)` → 5. */
export function quantityAt(entries: readonly LedgerEntry[], instant: Date, view: LedgerView = {}): Decimal {
  const steps = effectiveSteps(entries, view);
  const at = instant.getTime();
  let held = roundQuantity(0);
  for (const step of steps) {
    if (step.at > at) break;
    held = step.quantity;
  }
  return held;
}

/** Windows sorted, with overlapping or touching ones merged and empty ones dropped: [[1,3),[2,5),[7,7)] → [[1,5)]. */
export function normalizeWindows(windows: readonly TimeWindow[]): TimeWindow[] {
  windows.forEach((window) => assertWindow(window, 'A window'));
  const sorted = windows
    .map((window) => ({ from: window.from.getTime(), to: window.to.getTime() }))
    .filter((window) => window.from < window.to)
    .sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: { from: number; to: number }[] = [];
  for (const window of sorted) {
    const last = merged[merged.length - 1];
    if (last && window.from <= last.to) last.to = Math.max(last.to, window.to);
    else merged.push({ ...window });
  }
  return merged.map((window) => ({ from: new Date(window.from), to: new Date(window.to) }));
}

/** The time covered by both lists of windows: [[1,5)] and [[3,8)] → [[3,5)] (MSP ACTIVE ∩ company active). */
export function intersectWindowLists(first: readonly TimeWindow[], second: readonly TimeWindow[]): TimeWindow[] {
  const a = normalizeWindows(first);
  const b = normalizeWindows(second);
  const result: TimeWindow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i].from.getTime(), b[j].from.getTime());
    const to = Math.min(a[i].to.getTime(), b[j].to.getTime());
    if (from < to) result.push({ from: new Date(from), to: new Date(to) });
    if (a[i].to.getTime() < b[j].to.getTime()) i += 1;
    else j += 1;
  }
  return result;
}

/**
 * Held intervals cut down to the billable windows; a window list may overlap itself without
 * counting any time twice. Example: 5 held all March, billable from Mar 4 → [{Mar 4, Apr 1, 5}].
 */
export function clipToWindows(intervals: readonly HeldInterval[], windows: readonly TimeWindow[]): HeldInterval[] {
  const billable = normalizeWindows(windows);
  const result: HeldInterval[] = [];
  for (const interval of intervals) {
    assertWindow(interval, 'A held interval');
    for (const window of billable) {
      const from = Math.max(interval.from.getTime(), window.from.getTime());
      const to = Math.min(interval.to.getTime(), window.to.getTime());
      if (from < to) result.push({ from: new Date(from), to: new Date(to), quantity: interval.quantity });
    }
  }
  return result.sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** One change of an on/off status, e.g. the MSP becoming ACTIVE (true) or EXPIRED (false). */
export interface StatusChange {
  at: Date;
  active: boolean;
}

/**
 * The windows during which a status history is "on", clipped to a period; the state before the
 * first change is off. Example: on at Mar 4, off at Mar 20 (in March) → [[Mar 4, Mar 20)].
 */
export function activeWindows(history: readonly StatusChange[], period: TimeWindow): TimeWindow[] {
  assertWindow(period, 'The period');
  const changes = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
  const windows: TimeWindow[] = [];
  let openedAt: number | null = null;
  for (const change of changes) {
    const at = change.at.getTime();
    if (Number.isNaN(at)) throw new RangeError('A status change has an invalid instant');
    if (change.active && openedAt === null) openedAt = at;
    if (!change.active && openedAt !== null) {
      windows.push({ from: new Date(openedAt), to: new Date(at) });
      openedAt = null;
    }
  }
  if (openedAt !== null) windows.push({ from: new Date(openedAt), to: new Date(Math.max(openedAt, period.to.getTime())) });
  return intersectWindowLists(windows, [period]);
}

const EPOCH = new Date(0);

/**
 * One ledger for a (client, product) whose rows name their consumers (a user, a device): each
 * consumer's rows are a ledger of their own, and what the client holds is their sum. Answers the
 * summed step function as ledger rows (already read as of `view`), ready for `rateLine`.
 * Example: laptop-1 holds 1 from Mar 1, laptop-2 holds 1 from Mar 10 → 1 from Mar 1, 2 from Mar 10.
 */
export function sumConsumerLedgers(consumers: readonly (readonly LedgerEntry[])[], window: TimeWindow, view: LedgerView = {}): LedgerEntry[] {
  const changes = new Map<number, Decimal>();
  const add = (at: number, delta: Decimal) => changes.set(at, (changes.get(at) ?? ZERO).plus(delta));
  for (const entries of consumers) {
    for (const interval of heldIntervals(entries, window, view)) {
      add(interval.from.getTime(), interval.quantity);
      add(interval.to.getTime(), interval.quantity.negated());
    }
  }
  const rows: LedgerEntry[] = [];
  let held = ZERO;
  for (const at of [...changes.keys()].sort((a, b) => a - b)) {
    held = held.plus(changes.get(at)!);
    rows.push({ effectiveAt: new Date(at), recordedAt: EPOCH, quantity: held });
  }
  return rows;
}
