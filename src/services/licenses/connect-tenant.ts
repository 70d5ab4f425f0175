import { eq } from 'drizzle-orm';
import { tenants } from '../../db/schema.ts';
import { unprocessable } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadCompanyInScope } from './company-record.ts';
import { presentTenant } from './present-tenant.ts';
import { loadLicenseSettings } from './settings-record.ts';
import { tenantSyncJob } from './sync-schedule.ts';
import { describeTenants } from './tenant-figures.ts';
import { loadTenant, newPublicId, syncMinuteOf } from './tenant-record.ts';

export interface ConnectTenantInput {
  clients_id: number;
  /** The customer's Microsoft tenant id (a GUID) or one of its domains. */
  directory_id: string;
}

/**
 * Connects a managed company's Microsoft 365 tenant through its MSP's multitenant app registration:
 * the tenant is pending until its first sync, which is queued with the connection; it then syncs daily.
 * Connecting again (another directory, or after imports) keeps the last snapshot until the next sync.
 */
export async function connectTenant(ctx: Context, input: ConnectTenantInput) {
  return ctx.db.orm.transaction(async (tx) => {
    const company = await loadCompanyInScope(tx, ctx, input.clients_id);
    const settings = await loadLicenseSettings(tx, company.resellersId!);
    if (!settings.graphClientId || !settings.graphClientSecretSealed) {
      throw unprocessable('GraphAppMissing', `MSP ${company.resellersId} has no Microsoft Graph app registration: set graph_client_id and graph_client_secret with licenses.settings.update`);
    }
    const now = ctx.now();
    const publicId = newPublicId('tnt_');
    const [row] = await tx
      .insert(tenants)
      .values({ publicId, clientsId: company.id, source: 'graph', provider: 'microsoft', directoryId: input.directory_id, connectionStatus: 'pending', consecutiveFailures: 0, syncMinute: syncMinuteOf(publicId), createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: tenants.clientsId,
        set: { source: 'graph', directoryId: input.directory_id, connectionStatus: 'pending', lastError: null, consecutiveFailures: 0, updatedAt: now },
      })
      .returning({ id: tenants.id });
    await ctx.enqueue(tx, tenantSyncJob(row.id, now));
    await recordAudit(tx, ctx, { action: 'connect', entity: 'tenant', entityId: row.id, scopePath: company.path, data: { clients_id: company.id, directory_id: input.directory_id } });
    const [view] = await describeTenants(tx, [(await loadTenant(tx, row.id))!], now);
    return presentTenant(view);
  });
}

/** Every tenant synced from Graph, for the daily schedule. */
export async function graphTenantIds(ctx: Pick<Context, 'db'>): Promise<Array<{ id: number; syncMinute: number }>> {
  return ctx.db.orm.select({ id: tenants.id, syncMinute: tenants.syncMinute }).from(tenants).where(eq(tenants.source, 'graph'));
}
