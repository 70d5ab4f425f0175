import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { alerts } from '../../db/schema.ts';
import type { AlertCondition, OpenAlert } from '../../domain/license-alerts.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { newPublicId } from '../licenses/tenant-record.ts';

export type AlertRow = typeof alerts.$inferSelect;
export const ALERT_CREATED = 'alert.created';
const OPEN_STATUSES = ['unread', 'read', 'dismissed'] as const;

/** The alerts of an MSP's tenant (or of the MSP itself, `tenantId` null) that are unread, read or dismissed. */
export async function loadOpenAlerts(executor: Executor, mspId: number, tenantId: number | null): Promise<OpenAlert[]> {
  const rows = await executor
    .select({ id: alerts.id, type: alerts.type, subject: alerts.subject, data: alerts.data })
    .from(alerts)
    .where(and(eq(alerts.clientsId, mspId), tenantId === null ? isNull(alerts.tenantsId) : eq(alerts.tenantsId, tenantId), inArray(alerts.status, [...OPEN_STATUSES])));
  return rows;
}

export interface AlertOwner {
  msp: { id: number; path: string };
  tenant: { id: number; publicId: string; name: string } | null;
}

/**
 * Fires an alert in the caller's transaction, with its `alert.created` event for webhooks. A concurrent
 * evaluation that fired the same open alert first wins: this one writes nothing.
 */
export async function fireAlert(executor: Executor, ctx: Context, owner: AlertOwner, condition: AlertCondition): Promise<AlertRow | null> {
  const now = ctx.now();
  const [row] = await executor
    .insert(alerts)
    .values({
      publicId: newPublicId('alt_'),
      clientsId: owner.msp.id,
      tenantsId: owner.tenant?.id ?? null,
      type: condition.type,
      subject: condition.subject,
      severity: condition.severity,
      title: condition.title,
      message: condition.message,
      status: 'unread',
      data: condition.data,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) return null;
  await ctx.enqueue(executor, {
    kind: 'event',
    payload: {
      type: ALERT_CREATED,
      clients_id: owner.msp.id,
      data: {
        alerts_id: row.id,
        id: row.publicId,
        type: row.type,
        severity: row.severity,
        title: row.title,
        message: row.message,
        tenant: owner.tenant?.name ?? null,
        tenants_id: owner.tenant?.id ?? null,
        createdAt: row.createdAt.toISOString(),
      },
    },
  });
  await recordAudit(executor, ctx, { action: 'fire', entity: 'alert', entityId: row.id, scopePath: owner.msp.path, data: { type: row.type, subject: row.subject, tenants_id: row.tenantsId } });
  return row;
}

/** Resolves open alerts whose condition cleared. */
export async function resolveAlerts(executor: Executor, ctx: Context, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const now = ctx.now();
  await executor
    .update(alerts)
    .set({ status: 'resolved', resolvedAt: now, updatedAt: now })
    .where(and(inArray(alerts.id, ids), sql`${alerts.status} IN ('unread', 'read', 'dismissed')`));
}
