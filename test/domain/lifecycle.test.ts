import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  ACCOUNT_STATUSES,
  allowedEvents,
  applyTransition,
  createAccount,
  isBillableStatus,
  LIFECYCLE_EVENT_TYPES,
  scheduledEvent,
  TRANSITIONS,
  type AccountState,
  type AccountStatus,
  type LifecycleEvent,
  type LifecycleEventType,
} from '../../src/domain/lifecycle.ts';

const DAY = 86_400_000;
const T0 = new Date('2024-01-10T12:00:00.000Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

/** An account sitting in each status, with the dates that status would have. */
function accountIn(status: AccountStatus, overrides: Partial<AccountState> = {}): AccountState {
  const base: AccountState = { ...createAccount(at(-200)), status };
  const dated: Record<AccountStatus, Partial<AccountState>> = {
    PENDING: {},
    TRIAL: { trialExpiresAt: at(-1) },
    ACTIVE: { everPaid: true, trialExpiresAt: at(-190), expirationDate: at(-1) },
    REGION_CONFLICT: { accountRegion: 'EU' },
    PRODUCT_CONFLICT: { productType: 'enterprise' },
    EXPIRED: { trialExpiresAt: at(-30), expiredAt: at(-30) },
    REMOVED: { endedAt: at(-5) },
    PURGED: { everPaid: true, expiredAt: at(-400), endedAt: at(-35) },
  };
  return Object.freeze({ ...base, ...dated[status], ...overrides });
}

/** An event of each type, at a moment when its own time condition (if any) holds. */
function eventOf(type: LifecycleEventType, now = T0): LifecycleEvent {
  switch (type) {
    case 'accept-invitation':
      return { type, now, region: 'US', productType: 'msp', expectedRegion: 'US', expectedProductType: 'msp' };
    case 'retention-elapsed':
      return { type, now: new Date(now.getTime() + 400 * DAY) };
    default:
      return { type, now };
  }
}

// Written out by hand from billing-rules.md §6, independently of TRANSITIONS.
const EXPECTED: Record<string, AccountStatus> = {
  'PENDING accept-invitation': 'TRIAL',
  'TRIAL convert-to-paid': 'ACTIVE',
  'TRIAL trial-elapsed': 'EXPIRED',
  'ACTIVE cancel-paid-account': 'EXPIRED',
  'ACTIVE term-elapsed': 'EXPIRED',
  'EXPIRED activate-expired': 'TRIAL',
  'EXPIRED retention-elapsed': 'PURGED',
  'PENDING remove-account': 'REMOVED',
  'REGION_CONFLICT remove-account': 'REMOVED',
  'PRODUCT_CONFLICT remove-account': 'REMOVED',
};

test('every status × every event: exactly the transitions of §6 succeed, the rest are refused naming the status', () => {
  let allowed = 0;
  let refused = 0;
  for (const status of ACCOUNT_STATUSES) {
    for (const type of LIFECYCLE_EVENT_TYPES) {
      const state = accountIn(status);
      const snapshot = structuredClone(state);
      const result = applyTransition(state, eventOf(type));
      const expected = EXPECTED[`${status} ${type}`];
      if (expected) {
        assert.ok(result.ok, `${status} + ${type} should be allowed: ${result.ok ? '' : result.reason}`);
        assert.equal(result.value.status, expected, `${status} + ${type}`);
        assert.deepEqual([result.from, result.to], [status, expected]);
        allowed += 1;
      } else {
        assert.deepEqual(result, { ok: false, reason: `Cannot ${type} from ${status}` }, `${status} + ${type} should be refused`);
        refused += 1;
      }
      assert.deepEqual(state, snapshot, `${status} + ${type} leaves its input alone`);
    }
  }
  assert.deepEqual([allowed, refused], [10, 54]);
});

test('the transition table is the one of §6', () => {
  const fromTable = LIFECYCLE_EVENT_TYPES.flatMap((type) => Object.keys(TRANSITIONS[type]).map((status) => `${status} ${type}`)).sort();
  assert.deepEqual(fromTable, Object.keys(EXPECTED).sort());
  assert.deepEqual(TRANSITIONS['accept-invitation'].PENDING, ['TRIAL', 'REGION_CONFLICT', 'PRODUCT_CONFLICT']);
  assert.deepEqual(TRANSITIONS['activate-expired'].EXPIRED, ['TRIAL', 'ACTIVE']);
  const cases: [AccountStatus, LifecycleEventType[]][] = [
    ['PENDING', ['accept-invitation', 'remove-account']],
    ['TRIAL', ['convert-to-paid', 'trial-elapsed']],
    ['ACTIVE', ['cancel-paid-account', 'term-elapsed']],
    ['REGION_CONFLICT', ['remove-account']],
    ['PRODUCT_CONFLICT', ['remove-account']],
    ['EXPIRED', ['activate-expired', 'retention-elapsed']],
    ['REMOVED', []],
    ['PURGED', []],
  ];
  for (const [status, events] of cases) assert.deepEqual(allowedEvents(status), events, status);
});

test('accept-invitation: same region and product → 14-day trial; otherwise a conflict, the region first', () => {
  const pending = accountIn('PENDING');
  const accept = (region: string, productType: string) =>
    applyTransition(pending, { type: 'accept-invitation', now: T0, region, productType, expectedRegion: 'US', expectedProductType: 'msp' });
  const cases: { region: string; productType: string; status: AccountStatus; accountRegion: string | null; productTypeSet: string | null }[] = [
    { region: 'US', productType: 'msp', status: 'TRIAL', accountRegion: null, productTypeSet: null },
    { region: 'us', productType: 'MSP', status: 'TRIAL', accountRegion: null, productTypeSet: null },
    { region: 'EU', productType: 'msp', status: 'REGION_CONFLICT', accountRegion: 'EU', productTypeSet: null },
    { region: 'US', productType: 'enterprise', status: 'PRODUCT_CONFLICT', accountRegion: null, productTypeSet: 'enterprise' },
    { region: 'EU', productType: 'consumer', status: 'REGION_CONFLICT', accountRegion: 'EU', productTypeSet: null },
  ];
  for (const { region, productType, status, accountRegion, productTypeSet } of cases) {
    const result = accept(region, productType);
    assert.ok(result.ok);
    assert.deepEqual([result.value.status, result.value.accountRegion, result.value.productType], [status, accountRegion, productTypeSet], `${region}/${productType}`);
    assert.equal(result.value.trialExpiresAt?.toISOString() ?? null, status === 'TRIAL' ? '2024-01-24T12:00:00.000Z' : null);
  }
});

test('convert-to-paid: ACTIVE until now + term, one calendar year by default', () => {
  const cases: { now: string; term?: { years?: number; months?: number; days?: number }; expected: string }[] = [
    { now: '2024-05-01T09:30:00.000Z', expected: '2025-05-01T09:30:00.000Z' },
    { now: '2024-02-29T00:00:00.000Z', expected: '2025-02-28T00:00:00.000Z' },
    { now: '2024-01-31T00:00:00.000Z', term: { months: 1 }, expected: '2024-02-29T00:00:00.000Z' },
    { now: '2024-01-01T00:00:00.000Z', term: { years: 3 }, expected: '2027-01-01T00:00:00.000Z' },
  ];
  for (const { now, term, expected } of cases) {
    const result = applyTransition(accountIn('TRIAL'), { type: 'convert-to-paid', now: new Date(now), term });
    assert.ok(result.ok);
    assert.deepEqual([result.value.status, result.value.expirationDate?.toISOString(), result.value.everPaid], ['ACTIVE', expected, true], now);
  }
  assert.throws(() => applyTransition(accountIn('TRIAL'), { type: 'convert-to-paid', now: T0, term: { years: 0 } }), RangeError);
});

test('trial-elapsed and term-elapsed wait for their moment and date the expiry when it was due', () => {
  const trial = accountIn('TRIAL', { trialExpiresAt: at(5) });
  const early = applyTransition(trial, { type: 'trial-elapsed', now: at(4) });
  assert.deepEqual(early, { ok: false, reason: 'Cannot trial-elapsed from TRIAL: the trial runs until 2024-01-15T12:00:00.000Z' });
  // The job ran three days late (downtime): the account still expired when the trial ended.
  const late = applyTransition(trial, { type: 'trial-elapsed', now: at(8) });
  assert.ok(late.ok);
  assert.deepEqual([late.value.status, late.value.expiredAt?.toISOString()], ['EXPIRED', at(5).toISOString()]);

  const active = accountIn('ACTIVE', { expirationDate: at(5) });
  assert.equal(applyTransition(active, { type: 'term-elapsed', now: at(5) }).ok, true, 'due exactly at the expiration date');
  const notYet = applyTransition(active, { type: 'term-elapsed', now: new Date(at(5).getTime() - 1) });
  assert.deepEqual(notYet, { ok: false, reason: 'Cannot term-elapsed from ACTIVE: the term runs until 2024-01-15T12:00:00.000Z' });
});

test('cancel-paid-account expires immediately: billing stops at that instant', () => {
  const result = applyTransition(accountIn('ACTIVE', { expirationDate: at(300) }), { type: 'cancel-paid-account', now: T0 });
  assert.ok(result.ok);
  assert.deepEqual([result.value.status, result.value.expiredAt?.toISOString(), isBillableStatus(result.value.status)], ['EXPIRED', T0.toISOString(), false]);
});

test('activate-expired: within 365 days, a fresh trial if it never paid, else a new term; after that, refused', () => {
  const neverPaid = accountIn('EXPIRED', { expiredAt: at(-100), everPaid: false });
  const trial = applyTransition(neverPaid, { type: 'activate-expired', now: T0 });
  assert.ok(trial.ok);
  assert.deepEqual([trial.value.status, trial.value.trialExpiresAt?.toISOString(), trial.value.expiredAt], ['TRIAL', at(14).toISOString(), null]);

  const paid = accountIn('EXPIRED', { expiredAt: at(-100), everPaid: true, expirationDate: at(-100) });
  const active = applyTransition(paid, { type: 'activate-expired', now: T0 });
  assert.ok(active.ok);
  assert.deepEqual([active.value.status, active.value.expirationDate?.toISOString()], ['ACTIVE', '2025-01-10T12:00:00.000Z']);

  const expiredAt = at(-365);
  const lastMoment = applyTransition(accountIn('EXPIRED', { expiredAt }), { type: 'activate-expired', now: new Date(T0.getTime() - 1) });
  assert.equal(lastMoment.ok, true, 'one millisecond before the 365 days are up');
  const tooLate = applyTransition(accountIn('EXPIRED', { expiredAt }), { type: 'activate-expired', now: T0 });
  assert.deepEqual(tooLate, { ok: false, reason: 'Cannot activate-expired from EXPIRED: its data was due for purging at 2024-01-10T12:00:00.000Z' });
});

test('retention-elapsed purges exactly 365 days after expiry, not before', () => {
  const expired = accountIn('EXPIRED', { expiredAt: at(-365) });
  const early = applyTransition(expired, { type: 'retention-elapsed', now: new Date(T0.getTime() - 1) });
  assert.deepEqual(early, { ok: false, reason: 'Cannot retention-elapsed from EXPIRED: its data is kept until 2024-01-10T12:00:00.000Z' });
  const due = applyTransition(expired, { type: 'retention-elapsed', now: T0 });
  assert.ok(due.ok);
  assert.deepEqual([due.value.status, due.value.endedAt?.toISOString()], ['PURGED', T0.toISOString()]);
});

test('an event with an invalid time is refused', () => {
  assert.deepEqual(applyTransition(accountIn('TRIAL'), { type: 'convert-to-paid', now: new Date(Number.NaN) }), { ok: false, reason: 'Cannot convert-to-paid from TRIAL: the time of the event is invalid' });
});

test('a whole journey: create, accept, pay, cancel, reactivate, lapse, purge', () => {
  let state = createAccount(at(0));
  const steps: [LifecycleEvent, AccountStatus][] = [
    [{ type: 'accept-invitation', now: at(1), region: 'US', productType: 'msp', expectedRegion: 'US', expectedProductType: 'msp' }, 'TRIAL'],
    [{ type: 'convert-to-paid', now: at(10) }, 'ACTIVE'],
    [{ type: 'cancel-paid-account', now: at(40) }, 'EXPIRED'],
    [{ type: 'activate-expired', now: at(100) }, 'ACTIVE'],
    [{ type: 'term-elapsed', now: at(100 + 366) }, 'EXPIRED'],
    [{ type: 'retention-elapsed', now: at(100 + 366 + 365) }, 'PURGED'],
  ];
  const due: (string | null)[] = [];
  for (const [event, expected] of steps) {
    const result = applyTransition(state, event);
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.value.status, expected, event.type);
    state = result.value;
    const next = scheduledEvent(state);
    due.push(next && `${next.type} ${next.at.toISOString()}`);
  }
  assert.deepEqual(due, [
    'trial-elapsed 2024-01-25T12:00:00.000Z',
    'term-elapsed 2025-01-20T12:00:00.000Z',
    'retention-elapsed 2025-02-18T12:00:00.000Z',
    'term-elapsed 2025-04-19T12:00:00.000Z',
    'retention-elapsed 2026-04-19T12:00:00.000Z',
    null,
  ]);
  assert.equal(state.everPaid, true);
});

test('isBillableStatus: only ACTIVE time is charged', () => {
  for (const status of ACCOUNT_STATUSES) assert.equal(isBillableStatus(status), status === 'ACTIVE', status);
});

test('property: random event sequences only ever take listed transitions, and a refusal changes nothing', () => {
  const eventArbitrary = fc.record({
    type: fc.constantFrom(...LIFECYCLE_EVENT_TYPES),
    advanceDays: fc.integer({ min: 0, max: 500 }),
    region: fc.constantFrom('US', 'EU'),
    productType: fc.constantFrom('msp', 'enterprise'),
  });
  fc.assert(
    fc.property(fc.array(eventArbitrary, { maxLength: 25 }), (events) => {
      let state = createAccount(T0);
      let now = T0.getTime();
      for (const raw of events) {
        now += raw.advanceDays * DAY;
        const event: LifecycleEvent =
          raw.type === 'accept-invitation'
            ? { type: raw.type, now: new Date(now), region: raw.region, productType: raw.productType, expectedRegion: 'US', expectedProductType: 'msp' }
            : { type: raw.type, now: new Date(now) };
        const before = structuredClone(state);
        const result = applyTransition(state, event);
        assert.deepEqual(state, before, 'the input is never changed');
        if (!result.ok) {
          assert.ok(result.reason.startsWith(`Cannot ${event.type} from ${state.status}`), result.reason);
          continue;
        }
        assert.ok(EXPECTED[`${state.status} ${event.type}`] !== undefined, `${state.status} + ${event.type} is listed`);
        assert.ok(TRANSITIONS[event.type][state.status]?.includes(result.value.status));
        // A new trial or term is scheduled to end after the moment it began.
        const next = scheduledEvent(result.value);
        if (next && result.value.status !== 'EXPIRED') assert.ok(next.at.getTime() >= now, `${next.type} not in the past`);
        state = result.value;
      }
    }),
    { numRuns: 500 },
  );
});
