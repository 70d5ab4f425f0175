import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { accounts, licenseSettings } from '../../db/schema.ts';
import { DEFAULT_INACTIVE_AFTER_DAYS } from '../../domain/leakage.ts';

export type LicenseSettingsRow = typeof licenseSettings.$inferSelect;

/** An MSP's license-tracking settings, with the defaults filled in and API access decided. */
export interface LicenseSettings {
  clientsId: number;
  inactiveAfterDays: number;
  /** What the MSP set; null follows its plan. */
  apiAccessSetting: boolean | null;
  /** Whether the license-tracker face answers this MSP's keys. */
  apiAccess: boolean;
  renewalWindowDays: number;
  urgentWindowDays: number;
  graphClientId: string | null;
  graphClientSecretSealed: string | null;
  /** The MSP's account status (distributor face), null for an MSP created natively. */
  accountStatus: string | null;
  trialExpiresAt: Date | null;
}

export const DEFAULT_RENEWAL_WINDOW_DAYS = 14;
export const DEFAULT_URGENT_WINDOW_DAYS = 3;

/** The settings of an MSP; an MSP that never changed one has the defaults. */
export async function loadLicenseSettings(executor: Executor, mspId: number): Promise<LicenseSettings> {
  const [row] = await executor.select().from(licenseSettings).where(eq(licenseSettings.clientsId, mspId));
  const [account] = await executor
    .select({ status: accounts.status, trialExpiresAt: accounts.trialExpiresAt })
    .from(accounts)
    .where(eq(accounts.clientsId, mspId));
  const accountStatus = account?.status ?? null;
  const apiAccessSetting = row?.apiAccess ?? null;
  return {
    clientsId: mspId,
    inactiveAfterDays: row?.inactiveAfterDays ?? DEFAULT_INACTIVE_AFTER_DAYS,
    apiAccessSetting,
    // NOTE: API access comes with the paid plan: on for ACTIVE accounts (and MSPs created natively, which have no account), off otherwise.
    apiAccess: apiAccessSetting ?? (accountStatus === null || accountStatus === 'ACTIVE'),
    renewalWindowDays: row?.renewalWindowDays ?? DEFAULT_RENEWAL_WINDOW_DAYS,
    urgentWindowDays: row?.urgentWindowDays ?? DEFAULT_URGENT_WINDOW_DAYS,
    graphClientId: row?.graphClientId ?? null,
    graphClientSecretSealed: row?.graphClientSecretSealed ?? null,
    accountStatus,
    trialExpiresAt: account?.trialExpiresAt ?? null,
  };
}

/** Settings as the native API shows them: never the Graph secret, only whether one is set. */
export function presentLicenseSettings(settings: LicenseSettings) {
  return {
    clients_id: settings.clientsId,
    inactive_after_days: settings.inactiveAfterDays,
    api_access: settings.apiAccess,
    api_access_setting: settings.apiAccessSetting,
    renewal_window_days: settings.renewalWindowDays,
    urgent_window_days: settings.urgentWindowDays,
    graph_client_id: settings.graphClientId,
    graph_client_secret_set: settings.graphClientSecretSealed !== null,
  };
}
