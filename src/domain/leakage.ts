import type { Decimal } from 'decimal.js';
import { toDecimal, ZERO } from './money.ts';

// License leakage (spec/license-tracker.md, Endpoints): what a tenant pays for each month and what
// of that buys nothing: seats nobody holds, and seats held by people who no longer sign in.

/** The inactivity thresholds an MSP may choose, in days. */
export const INACTIVE_AFTER_DAYS_CHOICES = [14, 30, 60, 90] as const;
export type InactiveAfterDays = (typeof INACTIVE_AFTER_DAYS_CHOICES)[number];
export const DEFAULT_INACTIVE_AFTER_DAYS: InactiveAfterDays = 30;

const DAY_MILLISECONDS = 86_400_000;

export interface LicensedUser {
  enabled: boolean;
  /** SKU part numbers assigned to the user. */
  licenses: readonly string[];
  /** When the directory created the user; null when the provider does not say. */
  createdAt: Date | null;
  /** Null: never signed in. */
  lastSignInAt: Date | null;
}

/**
 * What the inactivity rule needs of a licensed user, in one number: -1 when disabled, else its last
 * sign-in (or, never signed in, its creation) in epoch milliseconds, 0 when neither is known.
 * A user is inactive exactly when this is below the cutoff (`inactivityCutoff`).
 * Example: disabled → -1; last sign-in 2026-03-01T00:00Z → 1772323200000; never, created unknown → 0.
 */
export function activityOf(user: LicensedUser): number {
  if (!user.enabled) return -1;
  return (user.lastSignInAt ?? user.createdAt)?.getTime() ?? 0;
}

/** The instant before which activity counts as inactive: `days` days before now, in epoch milliseconds. */
export function inactivityCutoff(now: Date, days: number): number {
  return now.getTime() - days * DAY_MILLISECONDS;
}

/** A licensed user as the figures read it: its activity (`activityOf`) and the SKU part numbers it holds. */
export interface LicenseActivity {
  activity: number;
  licenses: readonly string[];
}

/** The compact form of a licensed user for the figures; unlicensed users are left out (they never count). */
export function licenseActivity(users: readonly LicensedUser[]): LicenseActivity[] {
  return users.filter((user) => user.licenses.length > 0).map((user) => ({ activity: activityOf(user), licenses: [...new Set(user.licenses)] }));
}

export interface SkuHolding {
  skuPartNumber: string;
  purchased: number;
  assigned: number;
  /** The monthly price of one seat, in the MSP's currency. */
  monthlyPrice: Decimal;
}

/**
 * Whether a user counts as inactive: only licensed users can be. A disabled user who still holds a
 * license is inactive; an enabled one is when its last sign-in is older than `days`, or when it never
 * signed in and was created more than `days` ago (or its creation is unknown).
 * Example: days 30, now Mar 31, last sign-in Mar 1 → exactly 30 days: active; Feb 28 → inactive.
 */
export function isInactiveUser(user: LicensedUser, now: Date, days: number): boolean {
  if (user.licenses.length === 0) return false;
  // NOTE: disabled users who still hold licenses are the costliest leak MSPs report (spec Decision).
  return activityOf(user) < inactivityCutoff(now, days);
}

export interface SkuLeakage {
  skuPartNumber: string;
  purchased: number;
  assigned: number;
  /** max(0, purchased − assigned). */
  unassigned: number;
  /** Inactive users holding this SKU. */
  inactiveHolders: number;
  /** unassigned + inactiveHolders: seats that could go at renewal. */
  unused: number;
  /** purchased × price, exact. */
  monthlyCost: Decimal;
  /** unused × price, exact. */
  monthlyLeakage: Decimal;
}

export interface TenantFigures {
  totalLicenses: number;
  assignedLicenses: number;
  unassignedLicenses: number;
  totalUsers: number;
  inactiveUserCount: number;
  estimatedMonthlyCost: Decimal;
  estimatedMonthlyLeakage: Decimal;
  skus: SkuLeakage[];
}

/**
 * A tenant's license figures. Amounts stay exact here; they are rounded HALF_UP to cents once, where
 * they are shown (`roundMoney`), so a sum over SKUs or tenants never accumulates rounding.
 * Example: E3 50 bought, 40 assigned, 3 inactive holders at 36.00 → cost 1800, leakage (10 + 3) × 36 = 468.
 */
export function tenantFigures(skus: readonly SkuHolding[], users: { total: number; licensed: readonly LicenseActivity[] }, now: Date, days: number): TenantFigures {
  const inactiveHolders = new Map<string, number>();
  const cutoff = inactivityCutoff(now, days);
  let inactiveUserCount = 0;
  for (const user of users.licensed) {
    if (user.activity >= cutoff || user.licenses.length === 0) continue;
    inactiveUserCount++;
    for (const sku of user.licenses) inactiveHolders.set(sku, (inactiveHolders.get(sku) ?? 0) + 1);
  }
  const lines = skus.map((sku): SkuLeakage => {
    const unassigned = Math.max(0, sku.purchased - sku.assigned);
    const holders = inactiveHolders.get(sku.skuPartNumber) ?? 0;
    const price = toDecimal(sku.monthlyPrice);
    return {
      skuPartNumber: sku.skuPartNumber,
      purchased: sku.purchased,
      assigned: sku.assigned,
      unassigned,
      inactiveHolders: holders,
      unused: unassigned + holders,
      monthlyCost: price.times(sku.purchased),
      monthlyLeakage: price.times(unassigned + holders),
    };
  });
  return {
    totalLicenses: sum(lines.map((line) => line.purchased)),
    assignedLicenses: sum(lines.map((line) => line.assigned)),
    unassignedLicenses: sum(lines.map((line) => line.unassigned)),
    totalUsers: users.total,
    inactiveUserCount,
    estimatedMonthlyCost: lines.reduce((total, line) => total.plus(line.monthlyCost), ZERO),
    estimatedMonthlyLeakage: lines.reduce((total, line) => total.plus(line.monthlyLeakage), ZERO),
    skus: lines,
  };
}

export interface FiguresSummary {
  tenants: number;
  totalLicenses: number;
  assignedLicenses: number;
  unassignedLicenses: number;
  inactiveUsers: number;
  estimatedMonthlyCost: Decimal;
  estimatedMonthlyLeakage: Decimal;
}

/** Account-wide totals: the sum of the given tenants' figures (the caller picks the connected ones). */
export function summarizeFigures(figures: readonly TenantFigures[]): FiguresSummary {
  return {
    tenants: figures.length,
    totalLicenses: sum(figures.map((figure) => figure.totalLicenses)),
    assignedLicenses: sum(figures.map((figure) => figure.assignedLicenses)),
    unassignedLicenses: sum(figures.map((figure) => figure.unassignedLicenses)),
    inactiveUsers: sum(figures.map((figure) => figure.inactiveUserCount)),
    estimatedMonthlyCost: figures.reduce((total, figure) => total.plus(figure.estimatedMonthlyCost), ZERO),
    estimatedMonthlyLeakage: figures.reduce((total, figure) => total.plus(figure.estimatedMonthlyLeakage), ZERO),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
