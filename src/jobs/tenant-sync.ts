import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import { enqueueJob, type JobHandler } from '../db/jobs.ts';
import { graphTenantIds } from '../services/licenses/connect-tenant.ts';
import { nextSyncSlot, TENANT_SYNC_JOB, tenantSyncJob } from '../services/licenses/sync-schedule.ts';
import { runGraphSync } from '../services/licenses/sync-tenant.ts';
import { loadTenant } from '../services/licenses/tenant-record.ts';
import { systemContext } from '../services/system-context.ts';

export { TENANT_SYNC_JOB };

/** Makes sure every Graph tenant has its next daily sync queued (one job per slot, however many instances start). */
export async function scheduleTenantSyncs(db: Database, now: Date): Promise<void> {
  for (const tenant of await graphTenantIds({ db })) await enqueueJob(db.orm, tenantSyncJob(tenant.id, nextSyncSlot(tenant.syncMinute, now)), now);
}

/**
 * Syncs one tenant from Graph. The next day's sync is queued first, so a crash mid-sync does not end
 * the chain; a Graph failure is recorded on the tenant rather than retried here.
 */
export function tenantSyncHandler(db: Database, now: () => Date, log: Logger): JobHandler {
  return async (job) => {
    const id = Number(job.payload.tenants_id);
    const found = await loadTenant(db.orm, id);
    if (!found || found.tenant.source !== 'graph') return;
    await enqueueJob(db.orm, tenantSyncJob(id, nextSyncSlot(found.tenant.syncMinute, now())), now());
    const outcome = await runGraphSync(systemContext({ db, now, log }, { face: 'system', method: TENANT_SYNC_JOB }), id);
    if (!outcome.ok) log.warn({ tenantId: id, status: outcome.status, reason: outcome.reason }, 'tenant sync failed');
  };
}
