import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activityOf, inactivityCutoff, isInactiveUser, licenseActivity, summarizeFigures, tenantFigures, type LicensedUser } from '../../src/domain/leakage.ts';
import { toDecimal } from '../../src/domain/money.ts';

const NOW = new Date('2026-03-31T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const figuresUsers = (users: LicensedUser[]) => ({ total: users.length, licensed: licenseActivity(users) });
const user = (fields: Partial<LicensedUser>): LicensedUser => ({ enabled: true, licenses: ['SPE_E3'], createdAt: daysAgo(400), lastSignInAt: daysAgo(1), ...fields });

test('isInactiveUser follows the rule for licensed, enabled, disabled and never-signed-in users', () => {
  const cases: Array<[string, LicensedUser, number, boolean]> = [
    ['signed in yesterday', user({}), 30, false],
    ['signed in exactly 30 days ago', user({ lastSignInAt: daysAgo(30) }), 30, false],
    ['signed in 30 days and a second ago', user({ lastSignInAt: new Date(daysAgo(30).getTime() - 1000) }), 30, true],
    ['signed in 45 days ago, threshold 60', user({ lastSignInAt: daysAgo(45) }), 60, false],
    ['signed in 45 days ago, threshold 14', user({ lastSignInAt: daysAgo(45) }), 14, true],
    ['never signed in, created 40 days ago', user({ lastSignInAt: null, createdAt: daysAgo(40) }), 30, true],
    ['never signed in, created 10 days ago', user({ lastSignInAt: null, createdAt: daysAgo(10) }), 30, false],
    ['never signed in, creation unknown', user({ lastSignInAt: null, createdAt: null }), 30, true],
    ['disabled but licensed, signed in yesterday', user({ enabled: false }), 30, true],
    ['disabled and unlicensed', user({ enabled: false, licenses: [] }), 30, false],
    ['enabled, unlicensed, stale', user({ licenses: [], lastSignInAt: daysAgo(300) }), 30, false],
  ];
  for (const [name, candidate, days, expected] of cases) {
    assert.equal(isInactiveUser(candidate, NOW, days), expected, name);
    // The compact form the figures read says the same.
    const compact = licenseActivity([candidate]);
    assert.equal(compact.length === 1 && compact[0].activity < inactivityCutoff(NOW, days), expected, `${name} (compact)`);
  }
});

test('activityOf folds the rule into one number', () => {
  assert.equal(activityOf(user({ enabled: false })), -1);
  assert.equal(activityOf(user({ lastSignInAt: new Date('2026-03-01T00:00:00Z') })), Date.parse('2026-03-01T00:00:00Z'));
  assert.equal(activityOf(user({ lastSignInAt: null, createdAt: new Date('2026-02-01T00:00:00Z') })), Date.parse('2026-02-01T00:00:00Z'));
  assert.equal(activityOf(user({ lastSignInAt: null, createdAt: null })), 0);
});

test('tenantFigures counts unassigned seats and inactive holders per SKU at its price', () => {
  const figures = tenantFigures(
    [
      { skuPartNumber: 'SPE_E3', purchased: 50, assigned: 40, monthlyPrice: toDecimal('36') },
      { skuPartNumber: 'EXCHANGESTANDARD', purchased: 5, assigned: 7, monthlyPrice: toDecimal('4') },
    ],
    figuresUsers([
      user({}),
      user({ lastSignInAt: daysAgo(90) }),
      user({ enabled: false, licenses: ['SPE_E3', 'EXCHANGESTANDARD'] }),
      user({ licenses: [] }),
    ]),
    NOW,
    30,
  );
  assert.deepEqual(
    { ...figures, estimatedMonthlyCost: figures.estimatedMonthlyCost.toFixed(), estimatedMonthlyLeakage: figures.estimatedMonthlyLeakage.toFixed(), skus: figures.skus.map((line) => ({ ...line, monthlyCost: line.monthlyCost.toFixed(), monthlyLeakage: line.monthlyLeakage.toFixed() })) },
    {
      totalLicenses: 55,
      assignedLicenses: 47,
      unassignedLicenses: 10,
      totalUsers: 4,
      inactiveUserCount: 2,
      estimatedMonthlyCost: '1820',
      // E3: (10 unassigned + 2 inactive) × 36 = 432; Exchange: (0 + 1) × 4 = 4.
      estimatedMonthlyLeakage: '436',
      skus: [
        { skuPartNumber: 'SPE_E3', purchased: 50, assigned: 40, unassigned: 10, inactiveHolders: 2, unused: 12, monthlyCost: '1800', monthlyLeakage: '432' },
        { skuPartNumber: 'EXCHANGESTANDARD', purchased: 5, assigned: 7, unassigned: 0, inactiveHolders: 1, unused: 1, monthlyCost: '20', monthlyLeakage: '4' },
      ],
    },
  );
});

test('tenantFigures keeps amounts exact so that rounding happens once', () => {
  const figures = tenantFigures(
    [
      { skuPartNumber: 'A', purchased: 1, assigned: 1, monthlyPrice: toDecimal('0.005') },
      { skuPartNumber: 'B', purchased: 1, assigned: 1, monthlyPrice: toDecimal('0.001') },
    ],
    figuresUsers([]),
    NOW,
    30,
  );
  assert.equal(figures.estimatedMonthlyCost.toFixed(), '0.006');
});

test('summarizeFigures adds tenants up', () => {
  const one = tenantFigures([{ skuPartNumber: 'A', purchased: 3, assigned: 1, monthlyPrice: toDecimal('1.5') }], figuresUsers([user({ licenses: ['A'], enabled: false })]), NOW, 30);
  const two = tenantFigures([{ skuPartNumber: 'A', purchased: 2, assigned: 2, monthlyPrice: toDecimal('2.25') }], figuresUsers([user({ licenses: ['A'] })]), NOW, 30);
  const summary = summarizeFigures([one, two]);
  assert.deepEqual(
    { ...summary, estimatedMonthlyCost: summary.estimatedMonthlyCost.toFixed(), estimatedMonthlyLeakage: summary.estimatedMonthlyLeakage.toFixed() },
    { tenants: 2, totalLicenses: 5, assignedLicenses: 3, unassignedLicenses: 2, inactiveUsers: 1, estimatedMonthlyCost: '9', estimatedMonthlyLeakage: '4.5' },
  );
});
