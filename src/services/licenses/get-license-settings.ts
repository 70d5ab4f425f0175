import type { Context } from '../context.ts';
import { loadMspInScope } from './msp-record.ts';
import { loadLicenseSettings, presentLicenseSettings } from './settings-record.ts';

/** An MSP's license-tracking settings, defaults included. */
export async function getLicenseSettings(ctx: Context, input: { clients_id: number }) {
  const msp = await loadMspInScope(ctx.db.orm, ctx, input.clients_id);
  return presentLicenseSettings(await loadLicenseSettings(ctx.db.orm, msp.id));
}
