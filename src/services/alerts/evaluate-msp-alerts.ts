import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { clients } from '../../db/schema.ts';
import { reconcileAlerts, trialExpiringCondition } from '../../domain/license-alerts.ts';
import type { Context } from '../context.ts';
import { loadLicenseSettings } from '../licenses/settings-record.ts';
import { fireAlert, loadOpenAlerts, resolveAlerts } from './alert-record.ts';

/** Evaluates an MSP's own alert rules (its trial ending) in the caller's transaction. */
export async function evaluateMspAlerts(tx: Executor, ctx: Context, mspId: number): Promise<void> {
  const [msp] = await tx.select().from(clients).where(eq(clients.id, mspId));
  if (!msp || msp.kind !== 'msp') return;
  const settings = await loadLicenseSettings(tx, msp.id);
  const trial = settings.accountStatus === 'TRIAL' ? settings.trialExpiresAt : null;
  const condition = trialExpiringCondition({ mspName: msp.name, trialExpiresAt: trial, now: ctx.now(), zone: msp.billingTimeZone, windows: settings });
  const open = await loadOpenAlerts(tx, msp.id, null);
  const { fire, resolve } = reconcileAlerts(condition ? [condition] : [], open, ['trial_expiring']);
  await resolveAlerts(tx, ctx, resolve.map((alert) => alert.id));
  for (const alertCondition of fire) await fireAlert(tx, ctx, { msp: { id: msp.id, path: msp.path }, tenant: null }, alertCondition);
}
