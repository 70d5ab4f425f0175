import { toWireNumber } from '../../../domain/money.ts';

// The wire shapes of seed 004: camelCase fields in the seed's order, amounts as JSON numbers.

interface NativeTenant {
  public_id: string;
  display_name: string;
  primary_domain: string | null;
  provider: string;
  connection_status: string;
  total_licenses: number;
  assigned_licenses: number;
  unassigned_licenses: number;
  total_users: number;
  inactive_user_count: number;
  estimated_monthly_cost: string;
  estimated_monthly_leakage: string;
  last_sync_at: string | null;
}

interface NativeSummary {
  tenants: number;
  total_licenses: number;
  assigned_licenses: number;
  unassigned_licenses: number;
  inactive_users: number;
  estimated_monthly_cost: string;
  estimated_monthly_leakage: string;
}

export function tenantToWire(tenant: NativeTenant) {
  return {
    id: tenant.public_id,
    displayName: tenant.display_name,
    primaryDomain: tenant.primary_domain,
    provider: tenant.provider,
    connectionStatus: tenant.connection_status,
    totalLicenses: tenant.total_licenses,
    assignedLicenses: tenant.assigned_licenses,
    unassignedLicenses: tenant.unassigned_licenses,
    totalUsers: tenant.total_users,
    inactiveUserCount: tenant.inactive_user_count,
    estimatedMonthlyCost: toWireNumber(tenant.estimated_monthly_cost),
    estimatedMonthlyLeakage: toWireNumber(tenant.estimated_monthly_leakage),
    lastSyncAt: tenant.last_sync_at,
  };
}

export function summaryToWire(summary: NativeSummary) {
  return {
    tenants: summary.tenants,
    totalLicenses: summary.total_licenses,
    assignedLicenses: summary.assigned_licenses,
    unassignedLicenses: summary.unassigned_licenses,
    inactiveUsers: summary.inactive_users,
    estimatedMonthlyCost: toWireNumber(summary.estimated_monthly_cost),
    estimatedMonthlyLeakage: toWireNumber(summary.estimated_monthly_leakage),
  };
}

interface NativeAlert {
  public_id: string;
  type: string;
  severity: string;
  title: string;
  message: string;
  status: string;
  created_at: string;
  tenant: { public_id: string; display_name: string } | null;
}

export function alertToWire(alert: NativeAlert) {
  return {
    id: alert.public_id,
    type: alert.type,
    severity: alert.severity,
    title: alert.title,
    message: alert.message,
    status: alert.status,
    createdAt: alert.created_at,
    tenant: alert.tenant ? { id: alert.tenant.public_id, displayName: alert.tenant.display_name } : null,
  };
}
