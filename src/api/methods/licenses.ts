import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTime, dateTimeOutput, flag, id, integer, paging, searchResult } from '../schemas.ts';
import { INACTIVE_AFTER_DAYS_CHOICES } from '../../domain/leakage.ts';
import { connectTenant } from '../../services/licenses/connect-tenant.ts';
import { syncTenant } from '../../services/licenses/sync-tenant.ts';
import { createLicenseApiKey, revokeLicenseApiKey, searchLicenseApiKeys } from '../../services/licenses/api-keys.ts';
import { getLicenseSettings } from '../../services/licenses/get-license-settings.ts';
import { getLicenseSummary } from '../../services/licenses/get-license-summary.ts';
import { getTenant } from '../../services/licenses/get-tenant.ts';
import { importSnapshot } from '../../services/licenses/import-snapshot.ts';
import { searchTenants } from '../../services/licenses/search-tenants.ts';
import { updateLicenseSettings } from '../../services/licenses/update-license-settings.ts';

const connectionStatus = z.enum(['connected', 'error', 'pending', 'disconnected']);
const money = () => z.string().meta({ description: 'an exact amount in the MSP’s currency, HALF_UP to cents' });
const count = () => integer(0, 10_000_000);

const tenantSku = z.object({
  sku_part_number: z.string(),
  sku_id: z.string().nullable(),
  name: z.string(),
  products_id: z.number().int(),
  purchased: z.number().int(),
  assigned: z.number().int(),
  unassigned: z.number().int(),
  inactive_holders: z.number().int(),
  renewal_at: dateTimeOutput().nullable(),
  term: z.enum(['monthly', 'annual']).nullable(),
  monthly_price: z.string(),
  monthly_cost: money(),
  monthly_leakage: money(),
});

const tenant = z.object({
  id: z.number().int(),
  public_id: z.string().meta({ description: 'the id the license tracker API shows (tnt_…)' }),
  clients_id: z.number().int(),
  display_name: z.string(),
  provider: z.literal('microsoft'),
  source: z.enum(['graph', 'import']),
  directory_id: z.string().nullable(),
  primary_domain: z.string().nullable(),
  connection_status: connectionStatus,
  last_sync_at: dateTimeOutput().nullable(),
  last_error: z.string().nullable(),
  total_licenses: z.number().int(),
  assigned_licenses: z.number().int(),
  unassigned_licenses: z.number().int(),
  total_users: z.number().int(),
  inactive_user_count: z.number().int(),
  estimated_monthly_cost: money(),
  estimated_monthly_leakage: money(),
  currency: z.string(),
  inactive_after_days: z.number().int(),
  skus: z.array(tenantSku),
  created_at: dateTimeOutput(),
  updated_at: dateTimeOutput(),
});

const settings = z.object({
  clients_id: z.number().int(),
  inactive_after_days: z.number().int(),
  api_access: z.boolean().meta({ description: 'whether the license tracker API answers this MSP’s keys' }),
  api_access_setting: z.boolean().nullable().meta({ description: 'what was set; null follows the plan (off during a trial)' }),
  renewal_window_days: z.number().int(),
  urgent_window_days: z.number().int(),
  graph_client_id: z.string().nullable(),
  graph_client_secret_set: z.boolean(),
});

const licenseApiKey = z.object({
  id: z.number().int(),
  clients_id: z.number().int(),
  users_id: z.number().int(),
  name: z.string().nullable(),
  display_prefix: z.string(),
  roles: z.array(z.string()),
  access: z.number().int(),
  expires_at: dateTimeOutput().nullable(),
  last_used_at: dateTimeOutput().nullable(),
  revoked_at: dateTimeOutput().nullable(),
  created_at: dateTimeOutput(),
});

const skuPartNumber = () => z.string().trim().min(1).max(128);

export const licenseMethods = [
  defineMethod({
    name: 'licenses.settings.get',
    summary: 'An MSP’s license-tracking settings (inactivity threshold, API access, alert windows)',
    rest: { method: 'GET', path: '/licenses/settings/:clients_id' },
    auth: 'user',
    input: z.object({ clients_id: id() }),
    output: settings,
    run: (ctx, input) => getLicenseSettings(ctx, input),
  }),
  defineMethod({
    name: 'licenses.settings.update',
    summary: 'Change an MSP’s license-tracking settings; returns the number of rows changed',
    rest: { method: 'PATCH', path: '/licenses/settings/:clients_id' },
    auth: 'user',
    input: z.object({
      clients_id: id(),
      inactive_after_days: integer()
        .refine((days) => (INACTIVE_AFTER_DAYS_CHOICES as readonly number[]).includes(days), `one of ${INACTIVE_AFTER_DAYS_CHOICES.join(', ')}`)
        .optional(),
      api_access: flag().nullable().optional().meta({ description: 'null follows the plan' }),
      renewal_window_days: integer(1, 90).optional(),
      urgent_window_days: integer(0, 30).optional(),
      graph_client_id: z.string().trim().min(1).max(255).nullable().optional().meta({ description: 'the MSP’s multitenant app registration (application id)' }),
      graph_client_secret: z.string().min(1).max(1024).nullable().optional().meta({ description: 'stored sealed; never shown again' }),
    }),
    output: z.number().int(),
    run: (ctx, input) => updateLicenseSettings(ctx, input),
  }),
  defineMethod({
    name: 'licenses.tenants.connect',
    summary: 'Connect a company’s Microsoft 365 tenant through the MSP’s Graph app registration; the first sync is queued, then it syncs daily',
    rest: { method: 'POST', path: '/licenses/tenants' },
    auth: 'user',
    input: z.object({
      clients_id: id().meta({ description: 'the managed company' }),
      directory_id: z.string().trim().min(1).max(255).meta({ description: 'the customer’s Microsoft tenant id (GUID) or one of its domains' }),
    }),
    output: tenant,
    run: (ctx, input) => connectTenant(ctx, input),
  }),
  defineMethod({
    name: 'licenses.tenants.sync',
    summary: 'Sync a tenant from Microsoft Graph now; a failure is kept on the tenant and answered as SyncFailed',
    rest: { method: 'POST', path: '/licenses/tenants/:id/sync' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: tenant,
    run: (ctx, input) => syncTenant(ctx, input.id),
  }),
  defineMethod({
    name: 'licenses.tenants.import_snapshot',
    summary: 'Push a company’s tenant snapshot (SKUs and users) from another provider; purchased counts go into the ledger',
    rest: { method: 'POST', path: '/licenses/tenants/import-snapshot' },
    auth: 'user',
    input: z.object({
      clients_id: id().meta({ description: 'the managed company' }),
      primary_domain: z.string().trim().min(1).max(255).nullable().optional(),
      skus: z
        .array(
          z.object({
            sku_part_number: skuPartNumber(),
            sku_id: z.string().max(128).nullable().optional(),
            name: z.string().trim().min(1).max(255).nullable().optional().meta({ description: 'names the catalog product made the first time this SKU is seen' }),
            purchased: count(),
            assigned: count(),
            renewal_at: dateTime().nullable().optional(),
            term: z.enum(['monthly', 'annual']).nullable().optional(),
          }),
        )
        .max(1000),
      users: z
        .array(
          z.object({
            id: z.string().min(1).max(255),
            display_name: z.string().max(255).nullable().optional(),
            user_principal_name: z.string().max(320).nullable().optional(),
            enabled: flag(),
            licenses: z.array(skuPartNumber()).max(1000).optional().meta({ description: 'SKU part numbers assigned to the user' }),
            created_at: dateTime().nullable().optional(),
            last_sign_in_at: dateTime().nullable().optional().meta({ description: 'null: never signed in' }),
          }),
        )
        .max(200_000),
    }),
    output: tenant,
    run: (ctx, input) => importSnapshot(ctx, input),
  }),
  defineMethod({
    name: 'licenses.tenants.search',
    summary: 'Tenants of the companies in your subtree, with license, cost and leakage figures as of now',
    rest: { method: 'GET', path: '/licenses/tenants' },
    auth: 'user',
    input: z.object({ ...paging, msp_id: id().optional(), clients_id: id().optional(), connection_status: connectionStatus.optional() }),
    output: searchResult(tenant),
    run: (ctx, input) => searchTenants(ctx, input),
  }),
  defineMethod({
    name: 'licenses.tenants.get',
    summary: 'A tenant with its SKUs priced and its license figures as of now',
    rest: { method: 'GET', path: '/licenses/tenants/:id' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: tenant,
    run: (ctx, input) => getTenant(ctx, input.id),
  }),
  defineMethod({
    name: 'licenses.summary.get',
    summary: 'An MSP’s license totals over its connected tenants',
    rest: { method: 'GET', path: '/licenses/summary/:clients_id' },
    auth: 'user',
    input: z.object({ clients_id: id() }),
    output: z.object({
      clients_id: z.number().int(),
      tenants: z.number().int(),
      total_licenses: z.number().int(),
      assigned_licenses: z.number().int(),
      unassigned_licenses: z.number().int(),
      inactive_users: z.number().int(),
      estimated_monthly_cost: money(),
      estimated_monthly_leakage: money(),
      currency: z.string(),
    }),
    run: (ctx, input) => getLicenseSummary(ctx, input),
  }),
  defineMethod({
    name: 'licenses.api_keys.create',
    summary: 'Create a license tracker API key (mlt_live_…) for an MSP; the key itself is in this answer only',
    rest: { method: 'POST', path: '/licenses/api-keys' },
    auth: 'user',
    input: z.object({ clients_id: id(), name: z.string().max(255).optional(), expires_at: dateTime().nullable().optional() }),
    output: licenseApiKey.extend({ key: z.string() }),
    run: (ctx, input) => createLicenseApiKey(ctx, input),
  }),
  defineMethod({
    name: 'licenses.api_keys.search',
    summary: 'An MSP’s license tracker API keys (never the keys themselves)',
    rest: { method: 'GET', path: '/licenses/api-keys' },
    auth: 'user',
    input: z.object({ ...paging, clients_id: id(), revoked: flag().optional() }),
    output: searchResult(licenseApiKey),
    run: (ctx, input) => searchLicenseApiKeys(ctx, input),
  }),
  defineMethod({
    name: 'licenses.api_keys.revoke',
    summary: 'Revoke a license tracker API key; it fails on its next request. Returns the number of rows changed',
    rest: { method: 'POST', path: '/licenses/api-keys/:id/revoke' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: z.number().int(),
    run: (ctx, input) => revokeLicenseApiKey(ctx, input.id),
  }),
];
