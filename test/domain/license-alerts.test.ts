import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatMoney,
  reconcileAlerts,
  syncFailedCondition,
  tenantAlertConditions,
  trialExpiringCondition,
  type AlertCondition,
  type AlertSku,
  type OpenAlert,
  type TenantAlertInput,
} from '../../src/domain/license-alerts.ts';
import { toDecimal } from '../../src/domain/money.ts';

const NOW = new Date('2026-05-22T09:00:00Z');
const E3: AlertSku = { skuPartNumber: 'SPE_E3', name: 'Microsoft 365 E3', purchased: 50, unassigned: 12, inactiveHolders: 6, monthlyPrice: toDecimal('36'), renewalAt: new Date('2026-06-05T00:00:00Z'), term: 'annual' };

function input(fields: Partial<TenantAlertInput> = {}): TenantAlertInput {
  return { tenantName: 'Contoso Ltd', now: NOW, zone: 'UTC', currency: 'USD', windows: { renewalWindowDays: 14, urgentWindowDays: 3 }, inactiveAfterDays: 30, before: null, skus: [E3], inactiveUsers: 0, open: [], ...fields };
}
const ofType = (conditions: AlertCondition[], type: string) => conditions.filter((condition) => condition.type === type);

test('a renewal within 14 days with unused seats reads as seed 004’s example', () => {
  const [renewal] = tenantAlertConditions(input());
  assert.deepEqual(renewal, {
    type: 'renewal_due',
    subject: 'SPE_E3:2026-06-05:warning',
    severity: 'warning',
    title: 'Microsoft 365 E3 renews in 14 days — 18 unused seats',
    message:
      'Microsoft 365 E3 renews on June 5, 2026. 18 of 50 seats are unused (12 unassigned, 6 held by inactive users). ' +
      'Reducing to 32 seats at renewal recovers 648.00 USD a month (7,776.00 USD over the annual term).',
    data: { sku_part_number: 'SPE_E3', renewal_at: '2026-06-05T00:00:00.000Z', days: 14, purchased: 50, unassigned: 12, inactive_holders: 6, unused: 18, recoverable_at_renewal: '648.00', recoverable_per_term: '7776.00', term: 'annual' },
  });
});

test('renewal_due holds only inside the window, with unused seats, and turns critical inside the urgent window', () => {
  const cases: Array<[string, Partial<AlertSku>, string | null, string | null]> = [
    ['15 days ahead', { renewalAt: new Date('2026-06-06T00:00:00Z') }, null, null],
    ['14 days ahead', {}, 'warning', 'Microsoft 365 E3 renews in 14 days — 18 unused seats'],
    ['3 days ahead', { renewalAt: new Date('2026-05-25T12:00:00Z') }, 'critical', 'Microsoft 365 E3 renews in 3 days — 18 unused seats'],
    ['later today', { renewalAt: new Date('2026-05-22T20:00:00Z') }, 'critical', 'Microsoft 365 E3 renews today — 18 unused seats'],
    ['already renewed', { renewalAt: new Date('2026-05-22T08:00:00Z') }, null, null],
    ['every seat used', { unassigned: 0, inactiveHolders: 0 }, null, null],
    ['one unused seat', { unassigned: 1, inactiveHolders: 0, renewalAt: new Date('2026-05-23T00:00:00Z') }, 'critical', 'Microsoft 365 E3 renews in 1 day — 1 unused seat'],
    ['no renewal date', { renewalAt: null }, null, null],
  ];
  for (const [name, sku, severity, title] of cases) {
    const [renewal] = ofType(tenantAlertConditions(input({ skus: [{ ...E3, ...sku }] })), 'renewal_due');
    assert.equal(renewal?.severity ?? null, severity, name);
    assert.equal(renewal?.title ?? null, title, name);
  }
});

test('renewal days are counted in the MSP’s time zone', () => {
  // 2026-06-04T23:30 in New York is already June 5 in UTC: 13 local days from May 22.
  const [renewal] = tenantAlertConditions(input({ zone: 'America/New_York', skus: [{ ...E3, renewalAt: new Date('2026-06-05T03:30:00Z') }] }));
  assert.equal(renewal.title, 'Microsoft 365 E3 renews in 13 days — 18 unused seats');
});

test('seat changes compare with the previous sync, and a first sync has none', () => {
  assert.deepEqual(ofType(tenantAlertConditions(input({ before: null })), 'seat_increase'), []);
  const [increase] = tenantAlertConditions(input({ before: [{ skuPartNumber: 'SPE_E3', purchased: 45 }] }));
  assert.deepEqual(increase, {
    type: 'seat_increase',
    subject: 'SPE_E3:45:50',
    severity: 'info',
    title: 'Microsoft 365 E3: 5 seats added (45 → 50)',
    message: 'Contoso Ltd now has 50 Microsoft 365 E3 seats, up from 45 at the previous sync.',
    data: { sku_part_number: 'SPE_E3', from: 45, to: 50 },
  });
  const [decrease] = tenantAlertConditions(input({ skus: [], before: [{ skuPartNumber: 'SPE_E3', purchased: 2, name: 'Microsoft 365 E3' }] }));
  assert.deepEqual([decrease.severity, decrease.title], ['warning', 'Microsoft 365 E3: 2 seats removed (2 → 0)']);
});

test('an open seat alert holds while the count stays past where it started, and a further change is an alert of its own', () => {
  const open: OpenAlert[] = [{ id: 7, type: 'seat_increase', subject: 'SPE_E3:45:48', data: { sku_part_number: 'SPE_E3', from: 45, to: 48 } }];
  const unchanged = input({ before: [{ skuPartNumber: 'SPE_E3', purchased: 50 }], open });
  assert.deepEqual(ofType(tenantAlertConditions(unchanged), 'seat_increase').map((condition) => [condition.subject, condition.title]), [['SPE_E3:45:48', 'Microsoft 365 E3: 3 seats added (45 → 48)']]);
  const further = input({ before: [{ skuPartNumber: 'SPE_E3', purchased: 48 }], open });
  assert.deepEqual(ofType(tenantAlertConditions(further), 'seat_increase').map((condition) => condition.subject), ['SPE_E3:48:50', 'SPE_E3:45:48']);
  const backDown = input({ before: [{ skuPartNumber: 'SPE_E3', purchased: 50 }], skus: [{ ...E3, purchased: 45 }], open });
  assert.deepEqual(ofType(tenantAlertConditions(backDown), 'seat_increase'), []);
  assert.deepEqual(ofType(tenantAlertConditions(backDown), 'seat_decrease').map((condition) => condition.subject), ['SPE_E3:50:45']);
});

test('inactive users hold as a count with what their licenses cost', () => {
  const [inactive] = ofType(tenantAlertConditions(input({ inactiveUsers: 6, skus: [{ ...E3, renewalAt: null }] })), 'inactive_users');
  assert.deepEqual(inactive, {
    type: 'inactive_users',
    subject: '',
    severity: 'warning',
    title: '6 inactive licensed users at Contoso Ltd',
    message: '6 licensed users at Contoso Ltd have not signed in for 30 days or are disabled; their licenses cost 216.00 USD a month.',
    data: { count: 6, monthly_cost: '216.00', inactive_after_days: 30 },
  });
  assert.deepEqual(ofType(tenantAlertConditions(input({ inactiveUsers: 0 })), 'inactive_users'), []);
});

test('reconcile fires what is new, leaves what is open, resolves what cleared', () => {
  const holding = (type: AlertCondition['type'], subject: string, data: Record<string, unknown> = {}): AlertCondition => ({ type, subject, severity: 'warning', title: '', message: '', data });
  const open: OpenAlert[] = [
    { id: 1, type: 'renewal_due', subject: 'SPE_E3:2026-06-05:warning', data: {} },
    { id: 2, type: 'renewal_due', subject: 'EMS:2026-06-01:warning', data: {} },
    { id: 3, type: 'sync_failed', subject: '', data: {} },
    { id: 4, type: 'inactive_users', subject: '', data: { count: 3 } },
  ];
  const { fire, resolve } = reconcileAlerts(
    [holding('renewal_due', 'SPE_E3:2026-06-05:warning'), holding('renewal_due', 'SPB:2026-06-02:warning'), holding('inactive_users', '', { count: 5 })],
    open,
    ['renewal_due', 'inactive_users'],
  );
  assert.deepEqual(fire.map((condition) => condition.subject || condition.type), ['SPB:2026-06-02:warning', 'inactive_users']);
  // EMS cleared; sync_failed was not evaluated; the inactive_users alert is superseded by a higher count.
  assert.deepEqual(resolve.map((alert) => alert.id), [2, 4]);
  const lower = reconcileAlerts([holding('inactive_users', '', { count: 2 })], open, ['inactive_users']);
  assert.deepEqual([lower.fire, lower.resolve], [[], []]);
});

test('sync_failed holds from the second failure in a row', () => {
  assert.equal(syncFailedCondition({ tenantName: 'Contoso Ltd', consecutiveFailures: 1, lastError: 'x', lastSyncAt: null, zone: 'UTC' }), null);
  assert.deepEqual(syncFailedCondition({ tenantName: 'Contoso Ltd', consecutiveFailures: 2, lastError: 'GET /v1.0/users failed: Please retry', lastSyncAt: new Date('2026-05-20T02:14:00Z'), zone: 'UTC' }), {
    type: 'sync_failed',
    subject: '',
    severity: 'critical',
    title: 'Contoso Ltd failed to sync 2 times in a row',
    message: 'The last 2 syncs of Contoso Ltd from Microsoft 365 failed: GET /v1.0/users failed: Please retry. Until one succeeds, its figures are from May 20, 2026.',
    data: { consecutive_failures: 2, last_error: 'GET /v1.0/users failed: Please retry' },
  });
});

test('trial_expiring holds within the urgent window of the trial’s end', () => {
  const windows = { renewalWindowDays: 14, urgentWindowDays: 3 };
  assert.equal(trialExpiringCondition({ mspName: 'Best MSP', trialExpiresAt: new Date('2026-05-26T09:00:00Z'), now: NOW, zone: 'UTC', windows }), null);
  const ending = trialExpiringCondition({ mspName: 'Best MSP', trialExpiresAt: new Date('2026-05-25T09:00:00Z'), now: NOW, zone: 'UTC', windows });
  assert.deepEqual([ending?.severity, ending?.title], ['warning', 'Your trial ends in 3 days']);
  assert.equal(trialExpiringCondition({ mspName: 'Best MSP', trialExpiresAt: new Date('2026-05-22T08:00:00Z'), now: NOW, zone: 'UTC', windows }), null);
});

test('formatMoney groups thousands and keeps cents', () => {
  assert.equal(formatMoney('1180', 'USD'), '1,180.00 USD');
  assert.equal(formatMoney('1234567.895', 'EUR'), '1,234,567.90 EUR');
  assert.equal(formatMoney('0.125', 'GBP'), '0.13 GBP');
});
