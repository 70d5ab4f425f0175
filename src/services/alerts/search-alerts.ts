import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { alerts, clients, tenants } from '../../db/schema.ts';
import type { AlertType } from '../../domain/license-alerts.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import type { AlertRow } from './alert-record.ts';

export interface SearchAlertsInput {
  limit: number;
  offset: number;
  clients_id?: number;
  tenants_id?: number;
  status?: AlertRow['status'];
  type?: AlertType;
}

/** An alert as the native API shows it, with the tenant it is about. */
export function presentAlert(row: AlertRow, tenant: { publicId: string; name: string } | null) {
  return {
    id: row.id,
    public_id: row.publicId,
    clients_id: row.clientsId,
    tenants_id: row.tenantsId,
    tenant: tenant && row.tenantsId !== null ? { id: row.tenantsId, public_id: tenant.publicId, display_name: tenant.name } : null,
    type: row.type,
    subject: row.subject,
    severity: row.severity,
    title: row.title,
    message: row.message,
    status: row.status,
    data: row.data,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    resolved_at: row.resolvedAt,
  };
}

/** Alerts of the MSPs the caller may see, newest first. */
export async function searchAlerts(ctx: Context, input: SearchAlertsInput) {
  const company = alias(clients, 'tenant_company');
  const where = and(
    ne(clients.status, 'deleted'),
    withinScope(ctx, clients.path),
    input.clients_id !== undefined ? eq(alerts.clientsId, input.clients_id) : undefined,
    input.tenants_id !== undefined ? eq(alerts.tenantsId, input.tenants_id) : undefined,
    input.status !== undefined ? eq(alerts.status, input.status) : undefined,
    input.type !== undefined ? eq(alerts.type, input.type) : undefined,
  );
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm
      .select({ alert: alerts, tenantPublicId: tenants.publicId, tenantName: company.name })
      .from(alerts)
      .innerJoin(clients, eq(clients.id, alerts.clientsId))
      .leftJoin(tenants, eq(tenants.id, alerts.tenantsId))
      .leftJoin(company, eq(company.id, tenants.clientsId))
      .where(where)
      .orderBy(desc(alerts.createdAt), desc(alerts.id))
      .limit(input.limit)
      .offset(input.offset),
    ctx.db.orm.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(alerts).innerJoin(clients, eq(clients.id, alerts.clientsId)).where(where),
  ]);
  return {
    items: rows.map((row) => presentAlert(row.alert, row.tenantPublicId && row.tenantName ? { publicId: row.tenantPublicId, name: row.tenantName } : null)),
    total,
  };
}
