import { bigint, boolean, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

// Mirrors the SQL migrations, which are the source of truth for the database itself.

const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();
const ref = (name: string) => bigint(name, { mode: 'number' });
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const money = (name: string) => numeric(name, { precision: 20, scale: 2 });

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const currencies = pgTable('currencies', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  decimals: integer('decimals').notNull(),
});

export const exchangeRates = pgTable('exchange_rates', {
  id: id(),
  fromCurrenciesId: integer('from_currencies_id').notNull(),
  toCurrenciesId: integer('to_currencies_id').notNull(),
  rate: numeric('rate', { precision: 30, scale: 12 }).notNull(),
  effectiveAt: instant('effective_at').notNull(),
  createdAt: instant('created_at').notNull(),
});

export const clients = pgTable('clients', {
  id: id(),
  kind: text('kind').$type<'distributor' | 'msp' | 'company'>().notNull(),
  name: text('name').notNull(),
  resellersId: ref('resellers_id'),
  path: text('path').notNull(),
  status: text('status').$type<'active' | 'archived' | 'deleted'>().notNull(),
  email: text('email'),
  country: text('country'),
  credit: money('credit').notNull(),
  balance: money('balance').notNull(),
  taxRate: numeric('tax_rate', { precision: 9, scale: 6 }).notNull(),
  billingTimeZone: text('billing_time_zone').notNull(),
  currenciesId: integer('currencies_id').notNull(),
  sfdcAccountId: text('sfdc_account_id'),
  vendorInternalId: text('vendor_internal_id'),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
  archivedAt: instant('archived_at'),
  deletedAt: instant('deleted_at'),
});

export const users = pgTable('users', {
  id: id(),
  login: text('login').notNull(),
  name: text('name'),
  email: text('email'),
  passwordHash: text('password_hash'),
  resellersId: ref('resellers_id'),
  timeZone: text('time_zone'),
  status: text('status').$type<'active' | 'deleted'>().notNull(),
  failedLogins: integer('failed_logins').notNull(),
  lockedUntil: instant('locked_until'),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const apiKeys = pgTable('api_keys', {
  id: id(),
  usersId: ref('users_id').notNull(),
  name: text('name'),
  displayPrefix: text('display_prefix').notNull(),
  keyHash: text('key_hash').notNull(),
  roles: jsonb('roles').$type<string[]>().notNull(),
  access: integer('access').notNull(),
  expiresAt: instant('expires_at'),
  lastUsedAt: instant('last_used_at'),
  revokedAt: instant('revoked_at'),
  createdAt: instant('created_at').notNull(),
});

export const transactions = pgTable('transactions', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  kind: text('kind').$type<'postpaid' | 'prepaid'>().notNull(),
  amount: money('amount').notNull(),
  currenciesId: integer('currencies_id').notNull(),
  exchangeRate: numeric('exchange_rate', { precision: 30, scale: 12 }).notNull(),
  taxesState: text('taxes_state').$type<'included' | 'excluded'>().notNull(),
  taxRate: numeric('tax_rate', { precision: 9, scale: 6 }).notNull(),
  netAmount: money('net_amount').notNull(),
  taxAmount: money('tax_amount').notNull(),
  total: money('total').notNull(),
  balanceAfter: money('balance_after').notNull(),
  notes: text('notes'),
  usersId: ref('users_id'),
  createdAt: instant('created_at').notNull(),
});

export const idempotencyKeys = pgTable('idempotency_keys', {
  id: id(),
  usersId: ref('users_id').notNull(),
  key: text('key').notNull(),
  method: text('method').notNull(),
  requestHash: text('request_hash').notNull(),
  status: text('status').$type<'in_flight' | 'completed'>().notNull(),
  responseStatus: integer('response_status'),
  responseBody: jsonb('response_body'),
  createdAt: instant('created_at').notNull(),
  completedAt: instant('completed_at'),
});

export const auditLog = pgTable('audit_log', {
  id: id(),
  at: instant('at').notNull(),
  usersId: ref('users_id'),
  apiKeysId: ref('api_keys_id'),
  face: text('face').notNull(),
  method: text('method').notNull(),
  action: text('action').notNull(),
  entity: text('entity').notNull(),
  entityId: text('entity_id'),
  scopePath: text('scope_path'),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
});

export const jobs = pgTable('jobs', {
  id: id(),
  kind: text('kind').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  status: text('status').$type<'queued' | 'running' | 'done' | 'failed'>().notNull(),
  runAt: instant('run_at').notNull(),
  attempts: integer('attempts').notNull(),
  maxAttempts: integer('max_attempts').notNull(),
  dedupeKey: text('dedupe_key'),
  lockedBy: text('locked_by'),
  lockedUntil: instant('locked_until'),
  lastError: text('last_error'),
  createdAt: instant('created_at').notNull(),
  finishedAt: instant('finished_at'),
});

export const products = pgTable('products', {
  id: integer('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').$type<'plan' | 'addon' | 'storage' | 'service'>().notNull(),
  usageUnit: text('usage_unit').notNull(),
  usageUnitSize: numeric('usage_unit_size', { precision: 20, scale: 6 }).notNull(),
  billingUnit: text('billing_unit'),
  proration: text('proration').$type<'quantity' | 'price' | 'none'>().notNull(),
  sortOrder: integer('sort_order').notNull(),
  sku: text('sku'),
  uom: text('uom'),
  featureName: text('feature_name'),
  vendor: text('vendor'),
  serviceName: text('service_name'),
  status: text('status').$type<'active' | 'retired'>().notNull(),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const quantityLedger = pgTable('quantity_ledger', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  productsId: integer('products_id').notNull(),
  effectiveAt: instant('effective_at').notNull(),
  quantity: numeric('quantity', { precision: 20, scale: 6 }).notNull(),
  recordedAt: instant('recorded_at').notNull(),
  source: text('source').notNull(),
  eventId: text('event_id'),
  detail: text('detail'),
  note: text('note'),
  usersId: ref('users_id'),
});

export const gaugeLedger = pgTable('gauge_ledger', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  gauge: text('gauge').$type<'invited_users' | 'max_users'>().notNull(),
  effectiveAt: instant('effective_at').notNull(),
  value: integer('value').notNull(),
  recordedAt: instant('recorded_at').notNull(),
  source: text('source').notNull(),
  usersId: ref('users_id'),
});

export const priceEntries = pgTable('price_entries', {
  id: id(),
  layer: text('layer').$type<'cost' | 'sell'>().notNull(),
  clientsId: ref('clients_id').notNull(),
  companiesId: ref('companies_id'),
  productsId: integer('products_id').notNull(),
  unitPrice: numeric('unit_price', { precision: 20, scale: 6 }).notNull(),
  effectiveAt: instant('effective_at').notNull(),
  createdAt: instant('created_at').notNull(),
  usersId: ref('users_id'),
});

export const statements = pgTable('statements', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  year: integer('year').notNull(),
  month: integer('month').notNull(),
  currency: text('currency').notNull(),
  periodStart: instant('period_start').notNull(),
  periodEnd: instant('period_end').notNull(),
  subTotal: money('sub_total').notNull(),
  tax: money('tax').notNull(),
  total: money('total').notNull(),
  /** The MSP's name and tax rate as they were at close. */
  clientName: text('client_name').notNull(),
  taxRate: numeric('tax_rate', { precision: 9, scale: 6 }).notNull(),
  closedAt: instant('closed_at').notNull(),
});

/** A closed statement's lines, frozen at close (written by `closeMspMonth`, read by `readClosedStatement`). */
export const statementLines = pgTable('statement_lines', {
  statementsId: ref('statements_id').notNull(),
  owner: text('owner').$type<'company' | 'msp'>().notNull(),
  clientsId: ref('clients_id').notNull(),
  clientName: text('client_name').notNull(),
  productsId: integer('products_id').notNull(),
  productName: text('product_name').notNull(),
  productKind: text('product_kind').notNull(),
  catalogOrder: integer('catalog_order').notNull(),
  billingUnit: text('billing_unit'),
  quantity: numeric('quantity').notNull(),
  unitPrice: numeric('unit_price').notNull(),
  amount: numeric('amount').notNull(),
  breakdownFrom: instant('breakdown_from').array().notNull(),
  breakdownTo: instant('breakdown_to').array().notNull(),
  breakdownQuantity: numeric('breakdown_quantity').array().notNull(),
  breakdownMonthMs: bigint('breakdown_month_ms', { mode: 'number' }).notNull(),
  details: text('details').array(),
  detailQuantities: numeric('detail_quantities').array(),
  adjustsMonth: text('adjusts_month'),
  adjustsProductName: text('adjusts_product_name'),
  adjustsBilled: numeric('adjusts_billed'),
  adjustsRerated: numeric('adjusts_rerated'),
  adjustsPreviouslyAdjusted: numeric('adjusts_previously_adjusted'),
});

export const contracts = pgTable('contracts', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  contractNumber: text('contract_number').notNull(),
  cid: text('cid').notNull(),
  name: text('name'),
  status: text('status').$type<'ACTIVE' | 'EXPIRED' | 'CANCELLED'>().notNull(),
  bpAccountId: bigint('bp_account_id', { mode: 'number' }),
  tenantId: text('tenant_id'),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const contractProducts = pgTable(
  'contract_products',
  { contractsId: ref('contracts_id').notNull(), productsId: integer('products_id').notNull() },
  (table) => [primaryKey({ columns: [table.contractsId, table.productsId] })],
);

export const contractCompanies = pgTable(
  'contract_companies',
  { contractsId: ref('contracts_id').notNull(), clientsId: ref('clients_id').notNull() },
  (table) => [primaryKey({ columns: [table.contractsId, table.clientsId] })],
);

export const accounts = pgTable('accounts', {
  clientsId: ref('clients_id').primaryKey(),
  distributorsId: ref('distributors_id').notNull(),
  vendor: text('vendor').notNull(),
  status: text('status').$type<'PENDING' | 'TRIAL' | 'ACTIVE' | 'REGION_CONFLICT' | 'PRODUCT_CONFLICT' | 'EXPIRED' | 'REMOVED' | 'PURGED'>().notNull(),
  createdAt: instant('created_at').notNull(),
  trialExpiresAt: instant('trial_expires_at'),
  expirationDate: instant('expiration_date'),
  expiredAt: instant('expired_at'),
  everPaid: boolean('ever_paid').notNull(),
  accountRegion: text('account_region'),
  productType: text('product_type'),
  endedAt: instant('ended_at'),
  dueAt: instant('due_at'),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const accountStatusHistory = pgTable('account_status_history', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  status: text('status').notNull(),
  at: instant('at').notNull(),
});

export const vendorCredentials = pgTable('vendor_credentials', {
  id: id(),
  distributorsId: ref('distributors_id').notNull(),
  vendor: text('vendor').notNull(),
  consumerKey: text('consumer_key').notNull(),
  secretSealed: text('secret_sealed').notNull(),
  usersId: ref('users_id').notNull(),
  status: text('status').$type<'active' | 'revoked'>().notNull(),
  createdAt: instant('created_at').notNull(),
  rotatedAt: instant('rotated_at'),
  revokedAt: instant('revoked_at'),
});

export const invitations = pgTable('invitations', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  email: text('email').notNull(),
  createdAt: instant('created_at').notNull(),
  expiresAt: instant('expires_at').notNull(),
  usedAt: instant('used_at'),
});

export const mailOutbox = pgTable('mail_outbox', {
  id: id(),
  clientsId: ref('clients_id'),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  createdAt: instant('created_at').notNull(),
  sentAt: instant('sent_at'),
  deliveredVia: text('delivered_via').$type<'smtp' | 'log'>(),
  attempts: integer('attempts').notNull(),
  lastError: text('last_error'),
});

export const purgeRecords = pgTable('purge_records', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  distributorsId: ref('distributors_id'),
  vendorInternalId: text('vendor_internal_id'),
  expiredAt: instant('expired_at'),
  purgedAt: instant('purged_at').notNull(),
  deleted: jsonb('deleted').$type<Record<string, number>>().notNull(),
});

export const psaReconciliation = pgTable('psa_reconciliation', {
  id: id(),
  mspId: ref('msp_id').notNull(),
  clientsId: ref('clients_id').notNull(),
  productsId: integer('products_id').notNull(),
  year: integer('year').notNull(),
  month: integer('month').notNull(),
  psaQuantity: numeric('psa_quantity', { precision: 20, scale: 6 }),
  psaUnitPrice: numeric('psa_unit_price', { precision: 20, scale: 6 }),
  source: text('source').notNull(),
  status: text('status').$type<'pending' | 'approved' | 'dismissed'>().notNull(),
  note: text('note'),
  decidedBy: ref('decided_by'),
  decidedAt: instant('decided_at'),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const licenseSettings = pgTable('license_settings', {
  clientsId: ref('clients_id').primaryKey(),
  inactiveAfterDays: integer('inactive_after_days').notNull(),
  apiAccess: boolean('api_access'),
  renewalWindowDays: integer('renewal_window_days').notNull(),
  urgentWindowDays: integer('urgent_window_days').notNull(),
  graphClientId: text('graph_client_id'),
  graphClientSecretSealed: text('graph_client_secret_sealed'),
  updatedAt: instant('updated_at').notNull(),
});

export const licenseProducts = pgTable('license_products', {
  skuPartNumber: text('sku_part_number').primaryKey(),
  productsId: integer('products_id').notNull(),
});

export const tenants = pgTable('tenants', {
  id: id(),
  publicId: text('public_id').notNull(),
  clientsId: ref('clients_id').notNull(),
  provider: text('provider').$type<'microsoft'>().notNull(),
  source: text('source').$type<'graph' | 'import'>().notNull(),
  directoryId: text('directory_id'),
  primaryDomain: text('primary_domain'),
  connectionStatus: text('connection_status').$type<'connected' | 'error' | 'pending' | 'disconnected'>().notNull(),
  lastSyncAt: instant('last_sync_at'),
  lastError: text('last_error'),
  consecutiveFailures: integer('consecutive_failures').notNull(),
  syncMinute: integer('sync_minute').notNull(),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const tenantSkus = pgTable('tenant_skus', {
  id: id(),
  tenantsId: ref('tenants_id').notNull(),
  skuPartNumber: text('sku_part_number').notNull(),
  skuId: text('sku_id'),
  productsId: integer('products_id').notNull(),
  purchased: integer('purchased').notNull(),
  assigned: integer('assigned').notNull(),
  renewalAt: instant('renewal_at'),
  term: text('term').$type<'monthly' | 'annual'>(),
});

export const tenantSnapshots = pgTable('tenant_snapshots', {
  tenantsId: ref('tenants_id').primaryKey(),
  userCount: integer('user_count').notNull(),
  usersDeflated: text('users_deflated').notNull(),
  activityDeflated: text('activity_deflated').notNull(),
  takenAt: instant('taken_at').notNull(),
});

export const alerts = pgTable('alerts', {
  id: id(),
  publicId: text('public_id').notNull(),
  clientsId: ref('clients_id').notNull(),
  tenantsId: ref('tenants_id'),
  type: text('type').$type<'seat_increase' | 'seat_decrease' | 'inactive_users' | 'renewal_due' | 'trial_expiring' | 'sync_failed'>().notNull(),
  subject: text('subject').notNull(),
  severity: text('severity').$type<'critical' | 'warning' | 'info'>().notNull(),
  title: text('title').notNull(),
  message: text('message').notNull(),
  status: text('status').$type<'unread' | 'read' | 'dismissed' | 'resolved'>().notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
  resolvedAt: instant('resolved_at'),
});

export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: id(),
  clientsId: ref('clients_id').notNull(),
  url: text('url').notNull(),
  description: text('description'),
  events: jsonb('events').$type<string[]>().notNull(),
  enabled: boolean('enabled').notNull(),
  disabledReason: text('disabled_reason'),
  secretSealed: text('secret_sealed').notNull(),
  previousSecretSealed: text('previous_secret_sealed'),
  previousSecretExpiresAt: instant('previous_secret_expires_at'),
  failingSince: instant('failing_since'),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
  deletedAt: instant('deleted_at'),
});

export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: id(),
  endpointsId: ref('endpoints_id').notNull(),
  messageId: text('message_id').notNull(),
  sourceEvent: text('source_event'),
  event: text('event').notNull(),
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  status: text('status').$type<'pending' | 'succeeded' | 'failed'>().notNull(),
  attempts: integer('attempts').notNull(),
  nextAttemptAt: instant('next_attempt_at'),
  replayOf: ref('replay_of'),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const webhookAttempts = pgTable('webhook_attempts', {
  id: id(),
  deliveriesId: ref('deliveries_id').notNull(),
  attempt: integer('attempt').notNull(),
  requestHeaders: jsonb('request_headers').$type<Record<string, string>>().notNull(),
  requestBody: text('request_body').notNull(),
  responseStatus: integer('response_status'),
  responseBody: text('response_body'),
  latencyMs: integer('latency_ms'),
  errorClass: text('error_class'),
  attemptedAt: instant('attempted_at').notNull(),
});
