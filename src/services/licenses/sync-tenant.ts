import { sql } from 'drizzle-orm';
import { tenants } from '../../db/schema.ts';
import { unprocessable } from '../../api/errors.ts';
import { GraphError } from '../../connectors/microsoft-graph/client.ts';
import { readTenantSnapshot } from '../../connectors/microsoft-graph/read-tenant.ts';
import { graphClientFor } from '../../connectors/microsoft-graph/settings.ts';
import { evaluateTenantAlerts } from '../alerts/evaluate-tenant-alerts.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { applySnapshot } from './apply-snapshot.ts';
import { openGraphSecret } from './graph-secret.ts';
import { presentTenant } from './present-tenant.ts';
import { loadLicenseSettings } from './settings-record.ts';
import { describeTenants, type TenantView } from './tenant-figures.ts';
import { loadTenant, loadTenantInScope, type ConnectionStatus } from './tenant-record.ts';

export interface SyncFailure {
  status: ConnectionStatus;
  message: string;
}

export type SyncOutcome = { ok: true; view: TenantView | null } | { ok: false; reason: string; status: ConnectionStatus | undefined };

/** Syncs a tenant from Microsoft Graph now, on demand; a failure is recorded on the tenant and answered as `SyncFailed`. */
export async function syncTenant(ctx: Context, id: number) {
  const { tenant } = await loadTenantInScope(ctx.db.orm, ctx, id);
  if (tenant.source !== 'graph') throw unprocessable('NotSyncedFromGraph', `Tenant ${id} is kept up to date by imported snapshots, not by Microsoft Graph`);
  const outcome = await runGraphSync(ctx, id);
  if (!outcome.ok) throw unprocessable('SyncFailed', outcome.reason, { connection_status: outcome.status });
  const view = outcome.view ?? (await describeTenants(ctx.db.orm, [(await loadTenant(ctx.db.orm, id))!], ctx.now()))[0];
  return presentTenant(view);
}

/**
 * One sync of a Graph tenant (on demand or from the daily job): reads Graph with no transaction open,
 * then writes the snapshot in one transaction. A failure keeps the last good snapshot, sets the
 * connection status (`disconnected` when the customer's directory no longer lets the app in, else
 * `error`) and counts the failures in a row.
 */
export async function runGraphSync(ctx: Context, id: number): Promise<SyncOutcome> {
  const found = await loadTenant(ctx.db.orm, id);
  if (!found || found.tenant.source !== 'graph') return { ok: false, reason: `Tenant ${id} is not synced from Microsoft Graph`, status: found?.tenant.connectionStatus };
  const mspId = found.company.resellersId!;
  let snapshot;
  try {
    const settings = await loadLicenseSettings(ctx.db.orm, mspId);
    if (!settings.graphClientId || !settings.graphClientSecretSealed) throw new GraphError('credentials', 'The MSP has no Microsoft Graph app registration');
    snapshot = await readTenantSnapshot(
      graphClientFor(ctx.db),
      { directoryId: found.tenant.directoryId ?? '', clientId: settings.graphClientId, clientSecret: openGraphSecret(ctx.db, mspId, settings.graphClientSecretSealed) },
      ctx.now(),
    );
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    const failure: SyncFailure = { status: error.failure === 'consent' ? 'disconnected' : 'error', message: error.message };
    await recordSyncFailure(ctx, id, failure);
    return { ok: false, reason: failure.message, status: failure.status };
  }
  const view = await ctx.db.orm.transaction(async (tx) => {
    const locked = await loadTenant(tx, id, { forUpdate: true });
    // Disconnected meanwhile, or switched to imports: this snapshot is no longer wanted.
    if (!locked || locked.tenant.source !== 'graph') return null;
    return (await applySnapshot(tx, ctx, locked.tenant, locked.company, snapshot, 'graph')).view;
  });
  return { ok: true, view };
}

async function recordSyncFailure(ctx: Context, id: number, failure: SyncFailure): Promise<void> {
  await ctx.db.orm.transaction(async (tx) => {
    const locked = await loadTenant(tx, id, { forUpdate: true });
    if (!locked) return;
    const [row] = await tx
      .update(tenants)
      .set({ connectionStatus: failure.status, lastError: failure.message.slice(0, 2000), consecutiveFailures: sql`${tenants.consecutiveFailures} + 1`, updatedAt: ctx.now() })
      .where(sql`${tenants.id} = ${id}`)
      .returning({ consecutiveFailures: tenants.consecutiveFailures });
    await recordAudit(tx, ctx, {
      action: 'sync_failed',
      entity: 'tenant',
      entityId: id,
      scopePath: locked.company.path,
      data: { connection_status: failure.status, error: failure.message, consecutive_failures: row.consecutiveFailures },
    });
    await evaluateTenantAlerts(tx, ctx, id, { types: ['sync_failed'] });
  });
}
