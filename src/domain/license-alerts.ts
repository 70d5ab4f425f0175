import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { roundMoney, toDecimal, ZERO } from './money.ts';

// The license alert rules (spec/license-tracker.md, Alert rules), as pure functions: what holds now for a
// tenant or an MSP, and how that meets the alerts already open.

export const ALERT_TYPES = ['seat_increase', 'seat_decrease', 'inactive_users', 'renewal_due', 'trial_expiring', 'sync_failed'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export type AlertSeverity = 'critical' | 'warning' | 'info';

/** The rules about a tenant's snapshot; `sync_failed` and `trial_expiring` are evaluated on their own occasions. */
export const SNAPSHOT_ALERT_TYPES: readonly AlertType[] = ['seat_increase', 'seat_decrease', 'inactive_users', 'renewal_due'];
/** The rules that move with the clock alone, evaluated between syncs. */
export const TIMED_ALERT_TYPES: readonly AlertType[] = ['inactive_users', 'renewal_due'];

/** A condition that holds now: the alert it would fire. */
export interface AlertCondition {
  type: AlertType;
  /** What within the tenant it is about; '' for the tenant (or MSP) itself. */
  subject: string;
  severity: AlertSeverity;
  title: string;
  message: string;
  data: Record<string, unknown>;
}

/** An alert that is unread, read or dismissed. */
export interface OpenAlert {
  id: number;
  type: AlertType;
  subject: string;
  data: Record<string, unknown>;
}

export interface AlertSku {
  skuPartNumber: string;
  /** The product name customers know it by. */
  name: string;
  purchased: number;
  unassigned: number;
  inactiveHolders: number;
  monthlyPrice: Decimal;
  renewalAt: Date | null;
  term: 'monthly' | 'annual' | null;
}

export interface AlertWindows {
  /** renewal_due fires this many days ahead (14 by default). */
  renewalWindowDays: number;
  /** … and turns critical this many days ahead (3); a trial ending this soon warns too. */
  urgentWindowDays: number;
}

export interface TenantAlertInput {
  tenantName: string;
  now: Date;
  /** The MSP's billing time zone: days and dates are counted there. */
  zone: string;
  currency: string;
  windows: AlertWindows;
  inactiveAfterDays: number;
  /** Purchased counts at the previous sync; null when there was none (no seat alerts on a first sync). */
  before: ReadonlyArray<{ skuPartNumber: string; purchased: number; name?: string }> | null;
  skus: readonly AlertSku[];
  inactiveUsers: number;
  open: readonly OpenAlert[];
}

/**
 * What holds for a tenant's snapshot now. Seat changes compare with the previous sync, each change
 * (from → to) its own alert; an open one stays true while the count is still past where it started. Renewals within the window
 * with unused seats warn, and turn critical (a new subject) inside the urgent window.
 * Example: E3 renewing June 5, now May 22, 18 of 50 unused → "Microsoft 365 E3 renews in 14 days — 18 unused seats".
 */
export function tenantAlertConditions(input: TenantAlertInput): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  const name = (part: string) => input.skus.find((sku) => sku.skuPartNumber === part)?.name ?? input.before?.find((sku) => sku.skuPartNumber === part)?.name ?? part;
  if (input.before) {
    const previous = new Map(input.before.map((sku) => [sku.skuPartNumber, sku.purchased]));
    const current = new Map(input.skus.map((sku) => [sku.skuPartNumber, sku.purchased]));
    const openSeatAlerts = input.open.filter((alert) => alert.type === 'seat_increase' || alert.type === 'seat_decrease');
    for (const part of new Set([...previous.keys(), ...current.keys(), ...openSeatAlerts.map((alert) => String(alert.data.sku_part_number))])) {
      const from = previous.get(part) ?? 0;
      const to = current.get(part) ?? 0;
      // Each change is its own alert; an earlier one holds while the seats it reported are still (partly) there.
      if (to > from) conditions.push(seatChange('seat_increase', name(part), part, from, to, input.tenantName));
      if (to < from) conditions.push(seatChange('seat_decrease', name(part), part, from, to, input.tenantName));
      for (const alert of openSeatAlerts) {
        if (alert.data.sku_part_number !== part || typeof alert.data.from !== 'number' || typeof alert.data.to !== 'number') continue;
        const holds = alert.type === 'seat_increase' ? to > alert.data.from : to < alert.data.from;
        const reported = seatChange(alert.type as 'seat_increase' | 'seat_decrease', name(part), part, alert.data.from, alert.data.to, input.tenantName);
        if (holds && !conditions.some((condition) => condition.type === reported.type && condition.subject === reported.subject)) conditions.push(reported);
      }
    }
  }
  if (input.inactiveUsers > 0) {
    const cost = input.skus.reduce((total, sku) => total.plus(toDecimal(sku.monthlyPrice).times(sku.inactiveHolders)), ZERO);
    conditions.push({
      type: 'inactive_users',
      subject: '',
      severity: 'warning',
      title: `${plural(input.inactiveUsers, 'inactive licensed user')} at ${input.tenantName}`,
      message:
        `${plural(input.inactiveUsers, 'licensed user')} at ${input.tenantName} ${input.inactiveUsers === 1 ? 'has' : 'have'} not signed in for ${input.inactiveAfterDays} days or ${input.inactiveUsers === 1 ? 'is' : 'are'} disabled; ` +
        `their licenses cost ${formatMoney(cost, input.currency)} a month.`,
      data: { count: input.inactiveUsers, monthly_cost: roundMoney(cost).toFixed(2), inactive_after_days: input.inactiveAfterDays },
    });
  }
  const today = DateTime.fromJSDate(input.now, { zone: input.zone }).startOf('day');
  for (const sku of input.skus) {
    if (!sku.renewalAt || sku.renewalAt <= input.now) continue;
    const renewalDay = DateTime.fromJSDate(sku.renewalAt, { zone: input.zone }).startOf('day');
    const days = Math.round(renewalDay.diff(today, 'days').days);
    const unused = sku.unassigned + sku.inactiveHolders;
    if (days > input.windows.renewalWindowDays || unused <= 0) continue;
    const critical = days <= input.windows.urgentWindowDays;
    const monthly = roundMoney(toDecimal(sku.monthlyPrice).times(unused));
    const perTerm = sku.term === 'annual' ? monthly.times(12) : null;
    const keep = Math.max(0, sku.purchased - unused);
    conditions.push({
      type: 'renewal_due',
      subject: `${sku.skuPartNumber}:${renewalDay.toISODate()}:${critical ? 'critical' : 'warning'}`,
      severity: critical ? 'critical' : 'warning',
      title: `${sku.name} renews ${inDays(days)} — ${plural(unused, 'unused seat')}`,
      message:
        `${sku.name} renews on ${renewalDay.setLocale('en-US').toFormat('LLLL d, yyyy')}. ${unused} of ${sku.purchased} seats are unused ` +
        `(${sku.unassigned} unassigned, ${sku.inactiveHolders} held by inactive users). Reducing to ${keep} ${keep === 1 ? 'seat' : 'seats'} at renewal recovers ` +
        `${formatMoney(monthly, input.currency)} a month${perTerm ? ` (${formatMoney(perTerm, input.currency)} over the annual term)` : ''}.`,
      data: {
        sku_part_number: sku.skuPartNumber,
        renewal_at: sku.renewalAt.toISOString(),
        days,
        purchased: sku.purchased,
        unassigned: sku.unassigned,
        inactive_holders: sku.inactiveHolders,
        unused,
        recoverable_at_renewal: monthly.toFixed(2),
        recoverable_per_term: perTerm ? perTerm.toFixed(2) : null,
        term: sku.term,
      },
    });
  }
  return conditions;
}

/** The sync_failed condition: two failed syncs in a row (and every one after). */
export function syncFailedCondition(input: { tenantName: string; consecutiveFailures: number; lastError: string | null; lastSyncAt: Date | null; zone: string }): AlertCondition | null {
  if (input.consecutiveFailures < 2) return null;
  const since = input.lastSyncAt ? `its figures are from ${DateTime.fromJSDate(input.lastSyncAt, { zone: input.zone }).setLocale('en-US').toFormat('LLLL d, yyyy')}` : 'it has no figures yet';
  return {
    type: 'sync_failed',
    subject: '',
    severity: 'critical',
    title: `${input.tenantName} failed to sync ${input.consecutiveFailures} times in a row`,
    message: `The last ${input.consecutiveFailures} syncs of ${input.tenantName} from Microsoft 365 failed${input.lastError ? `: ${input.lastError}` : ''}. Until one succeeds, ${since}.`,
    data: { consecutive_failures: input.consecutiveFailures, last_error: input.lastError },
  };
}

/** The trial_expiring condition: an MSP's trial ends within the urgent window. */
export function trialExpiringCondition(input: { mspName: string; trialExpiresAt: Date | null; now: Date; zone: string; windows: AlertWindows }): AlertCondition | null {
  if (!input.trialExpiresAt || input.trialExpiresAt <= input.now) return null;
  const today = DateTime.fromJSDate(input.now, { zone: input.zone }).startOf('day');
  const endDay = DateTime.fromJSDate(input.trialExpiresAt, { zone: input.zone }).startOf('day');
  const days = Math.round(endDay.diff(today, 'days').days);
  if (days > input.windows.urgentWindowDays) return null;
  return {
    type: 'trial_expiring',
    subject: `trial:${input.trialExpiresAt.toISOString()}`,
    severity: 'warning',
    title: `Your trial ends ${inDays(days)}`,
    message: `The trial of ${input.mspName} ends on ${endDay.setLocale('en-US').toFormat('LLLL d, yyyy')}. Convert the account to paid to keep license tracking, alerts and API access.`,
    data: { trial_expires_at: input.trialExpiresAt.toISOString(), days },
  };
}

/**
 * How conditions meet the open alerts of the rules evaluated: a condition with no open alert fires; an
 * open alert whose condition no longer holds is resolved; an open inactive_users alert is superseded
 * (resolved, and a new one fires) when the count rose above its own.
 */
export function reconcileAlerts(conditions: readonly AlertCondition[], open: readonly OpenAlert[], evaluated: readonly AlertType[]): { fire: AlertCondition[]; resolve: OpenAlert[] } {
  const fire: AlertCondition[] = [];
  const resolve: OpenAlert[] = [];
  const key = (alert: { type: string; subject: string }) => `${alert.type}\u0000${alert.subject}`;
  const holding = new Map(conditions.map((condition) => [key(condition), condition]));
  for (const alert of open) {
    if (evaluated.includes(alert.type) && !holding.has(key(alert))) resolve.push(alert);
  }
  for (const condition of conditions) {
    const existing = open.find((alert) => key(alert) === key(condition));
    if (!existing) {
      fire.push(condition);
    } else if (condition.type === 'inactive_users' && Number(condition.data.count) > Number(existing.data.count ?? 0)) {
      resolve.push(existing);
      fire.push(condition);
    }
  }
  return { fire, resolve };
}

function seatChange(type: 'seat_increase' | 'seat_decrease', name: string, part: string, from: number, to: number, tenantName: string): AlertCondition {
  const change = Math.abs(to - from);
  const verb = type === 'seat_increase' ? 'added' : 'removed';
  return {
    type,
    subject: `${part}:${from}:${to}`,
    severity: type === 'seat_increase' ? 'info' : 'warning',
    title: `${name}: ${plural(change, 'seat')} ${verb} (${from} → ${to})`,
    message: `${tenantName} now has ${plural(to, `${name} seat`)}, ${type === 'seat_increase' ? 'up' : 'down'} from ${from} at the previous sync.`,
    data: { sku_part_number: part, from, to },
  };
}

function inDays(days: number): string {
  if (days <= 0) return 'today';
  return `in ${plural(days, 'day')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `formatMoney(1180, 'USD')` → "1,180.00 USD". */
export function formatMoney(amount: Decimal.Value, currency: string): string {
  const [whole, cents] = roundMoney(amount).toFixed(2).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents} ${currency}`;
}
