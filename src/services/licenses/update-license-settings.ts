import { licenseSettings } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { sealGraphSecret } from './graph-secret.ts';
import { loadMspInScope } from './msp-record.ts';
import { DEFAULT_RENEWAL_WINDOW_DAYS, DEFAULT_URGENT_WINDOW_DAYS } from './settings-record.ts';
import { DEFAULT_INACTIVE_AFTER_DAYS } from '../../domain/leakage.ts';

export interface UpdateLicenseSettingsInput {
  clients_id: number;
  inactive_after_days?: number;
  /** null goes back to what the plan gives. */
  api_access?: boolean | null;
  renewal_window_days?: number;
  urgent_window_days?: number;
  /** The MSP's multitenant app registration for Microsoft Graph; null removes it. */
  graph_client_id?: string | null;
  /** Stored sealed, never shown again. */
  graph_client_secret?: string | null;
}

/** Changes an MSP's license-tracking settings; fields left out keep their value. Returns the rows changed. */
export async function updateLicenseSettings(ctx: Context, input: UpdateLicenseSettingsInput): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const msp = await loadMspInScope(tx, ctx, input.clients_id, { forUpdate: true });
    const now = ctx.now();
    const changes = {
      ...(input.inactive_after_days !== undefined && { inactiveAfterDays: input.inactive_after_days }),
      ...(input.api_access !== undefined && { apiAccess: input.api_access }),
      ...(input.renewal_window_days !== undefined && { renewalWindowDays: input.renewal_window_days }),
      ...(input.urgent_window_days !== undefined && { urgentWindowDays: input.urgent_window_days }),
      ...(input.graph_client_id !== undefined && { graphClientId: input.graph_client_id }),
      ...(input.graph_client_secret !== undefined && {
        graphClientSecretSealed: input.graph_client_secret === null ? null : sealGraphSecret(ctx.db, msp.id, input.graph_client_secret),
      }),
    };
    await tx
      .insert(licenseSettings)
      .values({
        clientsId: msp.id,
        inactiveAfterDays: DEFAULT_INACTIVE_AFTER_DAYS,
        renewalWindowDays: DEFAULT_RENEWAL_WINDOW_DAYS,
        urgentWindowDays: DEFAULT_URGENT_WINDOW_DAYS,
        ...changes,
        updatedAt: now,
      })
      .onConflictDoUpdate({ target: licenseSettings.clientsId, set: { ...changes, updatedAt: now } });
    await recordAudit(tx, ctx, {
      action: 'update',
      entity: 'license_settings',
      entityId: msp.id,
      scopePath: msp.path,
      data: { ...input, ...(input.graph_client_secret != null && { graph_client_secret: '(set)' }) },
    });
    return 1;
  });
}
