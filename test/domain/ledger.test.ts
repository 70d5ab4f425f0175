import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  activeWindows,
  clipToWindows,
  heldIntervals,
  intersectWindowLists,
  normalizeWindows,
  quantityAt,
  type HeldInterval,
  type LedgerEntry,
  type TimeWindow,
} from '../../src/domain/ledger.ts';
import { toDecimal } from '../../src/domain/money.ts';

const at = (iso: string) => new Date(iso);
const row = (effective: string, quantity: string, recorded = effective): LedgerEntry => ({
  effectiveAt: at(effective),
  recordedAt: at(recorded),
  quantity: toDecimal(quantity),
});
const MARCH: TimeWindow = { from: at('2024-03-01T00:00:00Z'), to: at('2024-04-01T00:00:00Z') };

/** Intervals as plain strings so a failure prints readably. */
function show(intervals: readonly HeldInterval[]): string[] {
  return intervals.map((interval) => `${interval.from.toISOString()} → ${interval.to.toISOString()}: ${interval.quantity.toFixed()}`);
}
function showWindows(windows: readonly TimeWindow[]): string[] {
  return windows.map((window) => `${window.from.toISOString()} → ${window.to.toISOString()}`);
}

test('heldIntervals: the step function of the ledger, clipped to the period', () => {
  const cases: { name: string; entries: LedgerEntry[]; recordedBefore?: string; expected: string[] }[] = [
    { name: 'no rows', entries: [], expected: [] },
    {
      name: 'held since before the month',
      entries: [row('2024-01-15T00:00:00Z', '5')],
      expected: ['2024-03-01T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 5'],
    },
    {
      name: 'starts mid-month',
      entries: [row('2024-03-10T12:00:00Z', '5')],
      expected: ['2024-03-10T12:00:00.000Z → 2024-04-01T00:00:00.000Z: 5'],
    },
    {
      name: 'quantity 0 means not held (mid-month cancellation)',
      entries: [row('2024-02-01T00:00:00Z', '5'), row('2024-03-20T00:00:00Z', '0')],
      expected: ['2024-03-01T00:00:00.000Z → 2024-03-20T00:00:00.000Z: 5'],
    },
    {
      name: 'changes within the month',
      entries: [row('2024-02-01T00:00:00Z', '5'), row('2024-03-10T00:00:00Z', '7'), row('2024-03-20T00:00:00Z', '2.5')],
      expected: [
        '2024-03-01T00:00:00.000Z → 2024-03-10T00:00:00.000Z: 5',
        '2024-03-10T00:00:00.000Z → 2024-03-20T00:00:00.000Z: 7',
        '2024-03-20T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 2.5',
      ],
    },
    {
      name: 'a later-recorded row with the same effective_at supersedes, whatever the input order',
      entries: [row('2024-03-10T00:00:00Z', '9', '2024-03-11T00:00:00Z'), row('2024-03-10T00:00:00Z', '7', '2024-03-10T00:00:00Z')],
      expected: ['2024-03-10T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 9'],
    },
    {
      name: 'same effective_at recorded at the same instant: the later row in input order wins',
      entries: [row('2024-03-10T00:00:00Z', '7'), row('2024-03-10T00:00:00Z', '8')],
      expected: ['2024-03-10T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 8'],
    },
    {
      name: 'a backdated row inserts a step in the past',
      entries: [row('2024-02-01T00:00:00Z', '5'), row('2024-03-15T00:00:00Z', '3', '2024-03-25T00:00:00Z'), row('2024-03-20T00:00:00Z', '4')],
      expected: [
        '2024-03-01T00:00:00.000Z → 2024-03-15T00:00:00.000Z: 5',
        '2024-03-15T00:00:00.000Z → 2024-03-20T00:00:00.000Z: 3',
        '2024-03-20T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 4',
      ],
    },
    {
      name: 'as of the close, a row recorded after the cutoff does not exist yet',
      entries: [row('2024-02-01T00:00:00Z', '5'), row('2024-03-15T00:00:00Z', '3', '2024-04-10T00:00:00Z')],
      recordedBefore: '2024-04-04T00:00:00Z',
      expected: ['2024-03-01T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 5'],
    },
    {
      name: 'as of the close, a late supersede is ignored and the original stands',
      entries: [row('2024-03-10T00:00:00Z', '7', '2024-03-10T00:00:00Z'), row('2024-03-10T00:00:00Z', '9', '2024-04-04T00:00:00Z')],
      recordedBefore: '2024-04-04T00:00:00Z',
      expected: ['2024-03-10T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 7'],
    },
    {
      name: 'neighbours holding the same quantity merge',
      entries: [row('2024-02-01T00:00:00Z', '5'), row('2024-03-10T00:00:00Z', '5.000000'), row('2024-03-20T00:00:00Z', '6')],
      expected: ['2024-03-01T00:00:00.000Z → 2024-03-20T00:00:00.000Z: 5', '2024-03-20T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 6'],
    },
    {
      name: 'rows after the period and rows ended before it contribute nothing',
      entries: [row('2024-01-01T00:00:00Z', '5'), row('2024-02-01T00:00:00Z', '0'), row('2024-04-01T00:00:00Z', '9')],
      expected: [],
    },
    {
      name: 'a row exactly at the period end starts the next month',
      entries: [row('2024-03-31T00:00:00Z', '1'), row('2024-04-01T00:00:00Z', '2')],
      expected: ['2024-03-31T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 1'],
    },
    {
      name: 'quantities are kept to 6 dp',
      entries: [row('2024-02-01T00:00:00Z', '1.2345675')],
      expected: ['2024-03-01T00:00:00.000Z → 2024-04-01T00:00:00.000Z: 1.234568'],
    },
  ];
  for (const { name, entries, recordedBefore, expected } of cases) {
    const view = recordedBefore ? { recordedBefore: at(recordedBefore) } : {};
    assert.deepEqual(show(heldIntervals(entries, MARCH, view)), expected, name);
  }
});

test('heldIntervals refuses negative quantities and inverted periods', () => {
  assert.throws(() => heldIntervals([row('2024-03-01T00:00:00Z', '-1')], MARCH), RangeError);
  assert.throws(() => heldIntervals([], { from: MARCH.to, to: MARCH.from }), RangeError);
});

test('quantityAt: what was held at an instant', () => {
  const entries = [row('2024-03-10T00:00:00Z', '5'), row('2024-03-20T00:00:00Z', '0'), row('2024-03-10T00:00:00Z', '6', '2024-04-05T00:00:00Z')];
  const cases: [string, string, string?][] = [
    ['2024-03-09T23:59:59.999Z', '0'],
    ['2024-03-10T00:00:00.000Z', '6'],
    ['2024-03-15T00:00:00.000Z', '6'],
    ['2024-03-15T00:00:00.000Z', '5', '2024-04-04T00:00:00Z'],
    ['2024-03-20T00:00:00.000Z', '0'],
  ];
  for (const [instant, expected, recordedBefore] of cases) {
    const view = recordedBefore ? { recordedBefore: at(recordedBefore) } : {};
    assert.equal(quantityAt(entries, at(instant), view).toFixed(), expected, `${instant} as of ${recordedBefore ?? 'now'}`);
  }
});

const w = (from: string, to: string): TimeWindow => ({ from: at(`2024-03-${from}Z`), to: at(`2024-03-${to}Z`) });

test('normalizeWindows sorts, merges overlapping and touching windows, drops empty ones', () => {
  assert.deepEqual(showWindows(normalizeWindows([w('10T00:00:00', '15T00:00:00'), w('01T00:00:00', '05T00:00:00'), w('04T00:00:00', '06T00:00:00'), w('15T00:00:00', '16T00:00:00'), w('20T00:00:00', '20T00:00:00')])), [
    '2024-03-01T00:00:00.000Z → 2024-03-06T00:00:00.000Z',
    '2024-03-10T00:00:00.000Z → 2024-03-16T00:00:00.000Z',
  ]);
  assert.throws(() => normalizeWindows([w('05T00:00:00', '01T00:00:00')]), RangeError);
});

test('intersectWindowLists: MSP ACTIVE ∩ company active', () => {
  const cases: { name: string; first: TimeWindow[]; second: TimeWindow[]; expected: string[] }[] = [
    { name: 'overlap', first: [w('01T00:00:00', '20T00:00:00')], second: [w('10T00:00:00', '31T00:00:00')], expected: ['2024-03-10T00:00:00.000Z → 2024-03-20T00:00:00.000Z'] },
    { name: 'disjoint', first: [w('01T00:00:00', '05T00:00:00')], second: [w('05T00:00:00', '31T00:00:00')], expected: [] },
    {
      name: 'several pieces',
      first: [w('01T00:00:00', '10T00:00:00'), w('15T00:00:00', '25T00:00:00')],
      second: [w('05T00:00:00', '20T00:00:00'), w('22T00:00:00', '23T00:00:00')],
      expected: ['2024-03-05T00:00:00.000Z → 2024-03-10T00:00:00.000Z', '2024-03-15T00:00:00.000Z → 2024-03-20T00:00:00.000Z', '2024-03-22T00:00:00.000Z → 2024-03-23T00:00:00.000Z'],
    },
    { name: 'empty list', first: [], second: [w('01T00:00:00', '31T00:00:00')], expected: [] },
  ];
  for (const { name, first, second, expected } of cases) {
    assert.deepEqual(showWindows(intersectWindowLists(first, second)), expected, name);
    assert.deepEqual(showWindows(intersectWindowLists(second, first)), expected, `${name} (swapped)`);
  }
});

test('clipToWindows keeps only billable time, never counting overlapping windows twice', () => {
  const held: HeldInterval[] = [
    { from: at('2024-03-01T00:00:00Z'), to: at('2024-03-15T00:00:00Z'), quantity: toDecimal(5) },
    { from: at('2024-03-15T00:00:00Z'), to: at('2024-04-01T00:00:00Z'), quantity: toDecimal(3) },
  ];
  assert.deepEqual(show(clipToWindows(held, [w('10T00:00:00', '20T00:00:00'), w('12T00:00:00', '18T00:00:00')])), [
    '2024-03-10T00:00:00.000Z → 2024-03-15T00:00:00.000Z: 5',
    '2024-03-15T00:00:00.000Z → 2024-03-20T00:00:00.000Z: 3',
  ]);
  assert.deepEqual(clipToWindows(held, []), []);
});

test('activeWindows turns a status history into windows within the period', () => {
  const change = (iso: string, active: boolean) => ({ at: at(iso), active });
  const cases: { name: string; history: { at: Date; active: boolean }[]; expected: string[] }[] = [
    { name: 'never active (a trial is free)', history: [], expected: [] },
    { name: 'active since before the month', history: [change('2024-01-01T00:00:00Z', true)], expected: ['2024-03-01T00:00:00.000Z → 2024-04-01T00:00:00.000Z'] },
    {
      name: 'converted mid-month, cancelled later',
      history: [change('2024-03-05T08:00:00Z', true), change('2024-03-25T17:30:00Z', false)],
      expected: ['2024-03-05T08:00:00.000Z → 2024-03-25T17:30:00.000Z'],
    },
    {
      name: 'expired and reactivated, given out of order; a repeated "on" changes nothing',
      history: [change('2024-03-20T00:00:00Z', true), change('2024-02-01T00:00:00Z', true), change('2024-03-10T00:00:00Z', false), change('2024-02-10T00:00:00Z', true)],
      expected: ['2024-03-01T00:00:00.000Z → 2024-03-10T00:00:00.000Z', '2024-03-20T00:00:00.000Z → 2024-04-01T00:00:00.000Z'],
    },
    { name: 'ended before the month', history: [change('2024-01-01T00:00:00Z', true), change('2024-02-01T00:00:00Z', false)], expected: [] },
    { name: 'starts after the month', history: [change('2024-04-02T00:00:00Z', true)], expected: [] },
  ];
  for (const { name, history, expected } of cases) assert.deepEqual(showWindows(activeWindows(history, MARCH)), expected, name);
});

// ---------------------------------------------------------------------------------------------
// Property: heldIntervals against a brute-force reading of the ledger at every instant that matters.

const BASE = Date.UTC(2024, 1, 20); // a little before the period, so some rows start before it
const PERIOD: TimeWindow = { from: new Date(Date.UTC(2024, 2, 1)), to: new Date(Date.UTC(2024, 3, 1)) };
const SPAN = Date.UTC(2024, 3, 10) - BASE;

interface RawRow {
  effective: number;
  recorded: number;
  micro: number;
}

const rawRowArbitrary = fc.record({
  // A few distinct effective instants, so equal effective_at (supersedes) happen often.
  effective: fc.oneof(fc.integer({ min: 0, max: 6 }).map((slot) => BASE + slot * 5 * 86_400_000), fc.integer({ min: 0, max: SPAN })),
  recorded: fc.integer({ min: 0, max: 4 }),
  micro: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000_000 })),
});

function toEntries(rows: readonly RawRow[]): LedgerEntry[] {
  // Recorded anywhere from the effective instant to 40 days later: backdating and late changes.
  return rows.map((raw) => ({
    effectiveAt: new Date(raw.effective),
    recordedAt: new Date(raw.effective + raw.recorded * 10 * 86_400_000),
    quantity: toDecimal(raw.micro).dividedBy(1_000_000),
  }));
}

/** What the ledger says at `t`: the row with the latest effective_at ≤ t, then the latest recorded, then the last given. */
function referenceQuantity(rows: readonly LedgerEntry[], t: number, cutoff: number | undefined): string {
  let best: { index: number; row: LedgerEntry } | null = null;
  rows.forEach((row, index) => {
    if (cutoff !== undefined && row.recordedAt.getTime() >= cutoff) return;
    if (row.effectiveAt.getTime() > t) return;
    if (
      !best ||
      row.effectiveAt.getTime() > best.row.effectiveAt.getTime() ||
      (row.effectiveAt.getTime() === best.row.effectiveAt.getTime() && row.recordedAt.getTime() >= best.row.recordedAt.getTime())
    ) {
      best = { index, row };
    }
  });
  return best ? (best as { row: LedgerEntry }).row.quantity.toFixed() : '0';
}

test('property: heldIntervals agrees with a brute-force reading at every boundary', () => {
  fc.assert(
    fc.property(fc.array(rawRowArbitrary, { maxLength: 12 }), fc.option(fc.integer({ min: 0, max: SPAN + 40 * 86_400_000 })), (raw, cutoffOffset) => {
      const entries = toEntries(raw);
      const cutoff = cutoffOffset === null ? undefined : BASE + cutoffOffset;
      const intervals = heldIntervals(entries, PERIOD, cutoff === undefined ? {} : { recordedBefore: new Date(cutoff) });

      // Shape: ordered, disjoint, inside the period, non-zero, and merged where the quantity repeats.
      intervals.forEach((interval, index) => {
        assert.ok(interval.from < interval.to);
        assert.ok(interval.from >= PERIOD.from && interval.to <= PERIOD.to);
        assert.ok(!interval.quantity.isZero());
        const next = intervals[index + 1];
        if (next) {
          assert.ok(interval.to <= next.from);
          assert.ok(interval.to < next.from || !interval.quantity.equals(next.quantity), 'touching neighbours differ');
        }
      });

      // Value: between consecutive boundaries the quantity is constant, so checking each
      // boundary (and the instant before it) checks the whole function.
      const boundaries = new Set<number>([PERIOD.from.getTime(), PERIOD.to.getTime() - 1]);
      for (const entry of entries) {
        for (const t of [entry.effectiveAt.getTime(), entry.effectiveAt.getTime() - 1]) {
          if (t >= PERIOD.from.getTime() && t < PERIOD.to.getTime()) boundaries.add(t);
        }
      }
      for (const t of boundaries) {
        const found = intervals.find((interval) => interval.from.getTime() <= t && t < interval.to.getTime());
        assert.equal(found ? found.quantity.toFixed() : '0', referenceQuantity(entries, t, cutoff), `at ${new Date(t).toISOString()}`);
        assert.equal(quantityAt(entries, new Date(t), cutoff === undefined ? {} : { recordedBefore: new Date(cutoff) }).toFixed(), referenceQuantity(entries, t, cutoff));
      }
    }),
    { numRuns: 1000 },
  );
});

test('property: intersecting windows equals checking every millisecond boundary for membership in both', () => {
  const windowArbitrary = fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })).map(([a, b]) => ({ from: new Date(Math.min(a, b)), to: new Date(Math.max(a, b)) }));
  fc.assert(
    fc.property(fc.array(windowArbitrary, { maxLength: 6 }), fc.array(windowArbitrary, { maxLength: 6 }), (first, second) => {
      const result = intersectWindowLists(first, second);
      const inside = (windows: readonly TimeWindow[], t: number) => windows.some((window) => window.from.getTime() <= t && t < window.to.getTime());
      for (let t = 0; t <= 1000; t += 1) assert.equal(inside(result, t), inside(first, t) && inside(second, t), `t=${t}`);
      result.forEach((window, index) => {
        assert.ok(window.from < window.to);
        if (index > 0) assert.ok(result[index - 1].to < window.from, 'merged and ordered');
      });
    }),
    { numRuns: 300 },
  );
});
