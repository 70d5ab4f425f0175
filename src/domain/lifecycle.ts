import { DateTime } from 'luxon';
import type { Result } from './result.ts';

export const ACCOUNT_STATUSES = ['PENDING', 'TRIAL', 'ACTIVE', 'REGION_CONFLICT', 'PRODUCT_CONFLICT', 'EXPIRED', 'REMOVED', 'PURGED'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const LIFECYCLE_EVENT_TYPES = [
  'accept-invitation',
  'convert-to-paid',
  'trial-elapsed',
  'cancel-paid-account',
  'term-elapsed',
  'activate-expired',
  'retention-elapsed',
  'remove-account',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

/** A paid term, in calendar units (UTC): one year unless the distributor says otherwise. */
export interface Term {
  years?: number;
  months?: number;
  days?: number;
}

export const DEFAULT_TERM: Term = Object.freeze({ years: 1 });
export const TRIAL_DAYS = 14;
export const RETENTION_DAYS = 365;
const DAY_MILLISECONDS = 86_400_000;

/** An MSP account as the lifecycle sees it (billing-rules.md §6); the faces show these fields. */
export interface AccountState {
  status: AccountStatus;
  createdAt: Date;
  trialExpiresAt: Date | null;
  /** The end of the current paid term. */
  expirationDate: Date | null;
  /** When it became EXPIRED; the 365-day retention runs from here. */
  expiredAt: Date | null;
  /** Once paid, an expired account comes back ACTIVE rather than as a new trial. */
  everPaid: boolean;
  /** Set on REGION_CONFLICT: the region the invitee accepted in. */
  accountRegion: string | null;
  /** Set on PRODUCT_CONFLICT: the product type the invitee accepted as. */
  productType: string | null;
  /** When it was removed or purged. */
  endedAt: Date | null;
}

export type LifecycleEvent =
  | { type: 'accept-invitation'; now: Date; region: string; productType: string; expectedRegion: string; expectedProductType: string }
  | { type: 'convert-to-paid'; now: Date; term?: Term }
  | { type: 'trial-elapsed'; now: Date }
  | { type: 'cancel-paid-account'; now: Date }
  | { type: 'term-elapsed'; now: Date }
  | { type: 'activate-expired'; now: Date; term?: Term }
  | { type: 'retention-elapsed'; now: Date }
  | { type: 'remove-account'; now: Date };

/**
 * Every allowed transition: event → current status → the statuses it can lead to. Anything not
 * here is refused. Time-driven events also check that their moment has come.
 */
export const TRANSITIONS: { readonly [E in LifecycleEventType]: Partial<Record<AccountStatus, readonly AccountStatus[]>> } = {
  'accept-invitation': { PENDING: ['TRIAL', 'REGION_CONFLICT', 'PRODUCT_CONFLICT'] },
  'convert-to-paid': { TRIAL: ['ACTIVE'] },
  'trial-elapsed': { TRIAL: ['EXPIRED'] },
  'cancel-paid-account': { ACTIVE: ['EXPIRED'] },
  'term-elapsed': { ACTIVE: ['EXPIRED'] },
  'activate-expired': { EXPIRED: ['TRIAL', 'ACTIVE'] },
  'retention-elapsed': { EXPIRED: ['PURGED'] },
  'remove-account': { PENDING: ['REMOVED'], REGION_CONFLICT: ['REMOVED'], PRODUCT_CONFLICT: ['REMOVED'] },
};

export type TransitionResult = { ok: true; value: AccountState; from: AccountStatus; to: AccountStatus } | { ok: false; reason: string };

type EventOf<E extends LifecycleEventType> = Extract<LifecycleEvent, { type: E }>;
type Outcome = Result<AccountState>;
type Handler<E extends LifecycleEventType> = (state: AccountState, event: EventOf<E>) => Outcome;

function addDays(instant: Date, days: number): Date {
  // NOTE: fixed 24-hour days: 14 days of trial and 365 of retention are durations, not calendar dates.
  return new Date(instant.getTime() + days * DAY_MILLISECONDS);
}

function addTerm(instant: Date, term: Term): Date {
  const { years = 0, months = 0, days = 0 } = term;
  if (![years, months, days].every((part) => Number.isInteger(part) && part >= 0) || years + months + days === 0) {
    throw new RangeError(`A term must be a positive whole number of years, months or days: ${JSON.stringify(term)}`);
  }
  // Calendar arithmetic in UTC: 2024-02-29 plus one year is 2025-02-28, never March.
  return DateTime.fromJSDate(instant, { zone: 'utc' }).plus({ years, months, days }).toJSDate();
}

function refuse(state: AccountState, event: LifecycleEvent, detail?: string): { ok: false; reason: string } {
  return { ok: false, reason: `Cannot ${event.type} from ${state.status}${detail ? `: ${detail}` : ''}` };
}

function sameCode(a: string, b: string): boolean {
  return a.trim().toUpperCase() === b.trim().toUpperCase();
}

/** The instant the retention of an expired account ends and its data is purged. */
function purgeAt(state: AccountState): Date | null {
  return state.expiredAt ? addDays(state.expiredAt, RETENTION_DAYS) : null;
}

const HANDLERS: { readonly [E in LifecycleEventType]: Handler<E> } = {
  'accept-invitation': (state, event) => {
    // NOTE: a region mismatch is reported first: an account in the wrong region cannot be
    // fixed by changing its product type, while the reverse can wait until the region is right.
    if (!sameCode(event.region, event.expectedRegion)) return { ok: true, value: { ...state, status: 'REGION_CONFLICT', accountRegion: event.region } };
    if (!sameCode(event.productType, event.expectedProductType)) return { ok: true, value: { ...state, status: 'PRODUCT_CONFLICT', productType: event.productType } };
    return { ok: true, value: { ...state, status: 'TRIAL', trialExpiresAt: addDays(event.now, TRIAL_DAYS) } };
  },
  'convert-to-paid': (state, event) => ({
    ok: true,
    value: { ...state, status: 'ACTIVE', everPaid: true, expirationDate: addTerm(event.now, event.term ?? DEFAULT_TERM) },
  }),
  'trial-elapsed': (state, event) => {
    if (!state.trialExpiresAt) return refuse(state, event, 'the trial has no end date');
    if (event.now < state.trialExpiresAt) return refuse(state, event, `the trial runs until ${state.trialExpiresAt.toISOString()}`);
    // The account expired when the trial ended, even if the job runs late after downtime.
    return { ok: true, value: { ...state, status: 'EXPIRED', expiredAt: state.trialExpiresAt } };
  },
  'cancel-paid-account': (state, event) => ({ ok: true, value: { ...state, status: 'EXPIRED', expiredAt: event.now } }),
  'term-elapsed': (state, event) => {
    if (!state.expirationDate) return refuse(state, event, 'the term has no end date');
    if (event.now < state.expirationDate) return refuse(state, event, `the term runs until ${state.expirationDate.toISOString()}`);
    return { ok: true, value: { ...state, status: 'EXPIRED', expiredAt: state.expirationDate } };
  },
  'activate-expired': (state, event) => {
    const purge = purgeAt(state);
    if (!purge) return refuse(state, event, 'the account has no expiry date');
    if (event.now >= purge) return refuse(state, event, `its data was due for purging at ${purge.toISOString()}`);
    if (!state.everPaid) return { ok: true, value: { ...state, status: 'TRIAL', expiredAt: null, trialExpiresAt: addDays(event.now, TRIAL_DAYS) } };
    return { ok: true, value: { ...state, status: 'ACTIVE', expiredAt: null, expirationDate: addTerm(event.now, event.term ?? DEFAULT_TERM) } };
  },
  'retention-elapsed': (state, event) => {
    const purge = purgeAt(state);
    if (!purge) return refuse(state, event, 'the account has no expiry date');
    if (event.now < purge) return refuse(state, event, `its data is kept until ${purge.toISOString()}`);
    return { ok: true, value: { ...state, status: 'PURGED', endedAt: event.now } };
  },
  'remove-account': (state, event) => ({ ok: true, value: { ...state, status: 'REMOVED', endedAt: event.now } }),
};

/** A new account waiting for its invitation to be accepted: `createAccount(now).status` → "PENDING". */
export function createAccount(now: Date): AccountState {
  return {
    status: 'PENDING',
    createdAt: now,
    trialExpiresAt: null,
    expirationDate: null,
    expiredAt: null,
    everPaid: false,
    accountRegion: null,
    productType: null,
    endedAt: null,
  };
}

/**
 * The next state of an account, or the reason the event is refused; the input is never changed.
 * Example: TRIAL + convert-to-paid at 2024-05-01 → ACTIVE until 2025-05-01; PENDING + convert-to-paid → "Cannot convert-to-paid from PENDING".
 */
export function applyTransition(state: AccountState, event: LifecycleEvent): TransitionResult {
  const targets = TRANSITIONS[event.type]?.[state.status];
  if (!targets) return refuse(state, event);
  if (!(event.now instanceof Date) || Number.isNaN(event.now.getTime())) return refuse(state, event, 'the time of the event is invalid');
  const handler = HANDLERS[event.type] as Handler<LifecycleEventType>;
  const outcome = handler(state, event);
  if (!outcome.ok) return outcome;
  if (!targets.includes(outcome.value.status)) {
    // A handler leaving the table would be a bug here, not a user error: fail loudly.
    throw new Error(`Lifecycle handler for ${event.type} led ${state.status} to ${outcome.value.status}, which the table does not allow`);
  }
  return { ok: true, value: outcome.value, from: state.status, to: outcome.value.status };
}

/** The events an account in a status may receive: `allowedEvents('EXPIRED')` → ["activate-expired", "retention-elapsed"]. */
export function allowedEvents(status: AccountStatus): LifecycleEventType[] {
  return LIFECYCLE_EVENT_TYPES.filter((type) => TRANSITIONS[type][status] !== undefined);
}

/** The time-driven event an account is waiting for, and when it is due: a TRIAL ending 2024-05-15 → {trial-elapsed, 2024-05-15}. */
export function scheduledEvent(state: AccountState): { type: 'trial-elapsed' | 'term-elapsed' | 'retention-elapsed'; at: Date } | null {
  if (state.status === 'TRIAL' && state.trialExpiresAt) return { type: 'trial-elapsed', at: state.trialExpiresAt };
  if (state.status === 'ACTIVE' && state.expirationDate) return { type: 'term-elapsed', at: state.expirationDate };
  const purge = purgeAt(state);
  if (state.status === 'EXPIRED' && purge) return { type: 'retention-elapsed', at: purge };
  return null;
}

/** Whether time in a status is charged: only ACTIVE is (a trial is free): `isBillableStatus('TRIAL')` → false. */
export function isBillableStatus(status: AccountStatus): boolean {
  return status === 'ACTIVE';
}
