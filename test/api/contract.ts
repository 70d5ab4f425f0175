import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { pino } from 'pino';
import { runDueJobs } from '../../src/db/jobs.ts';
import { EVENT_JOB } from '../../src/jobs/webhooks.ts';
import type { MethodDefinition } from '../../src/api/registry.ts';
import type { HttpAnswer, TestApp } from '../support/app.ts';
import { FakeGraph } from '../support/fake-graph.ts';

// The checks every registry method must pass (STYLE.md, Tests), and the table saying how each method
// is called for them. A method missing from the table fails its own checks, so none can skip them.

export type Params = Record<string, unknown>;

/** An id no object has: a sibling subtree's id must answer exactly as this one does. */
export const MISSING_ID = 987_654_321;
export const PASSWORD = 'correct horse battery';
export const GRAPH_DIRECTORY = 'contract-directory';
/** A public address: endpoints are saved without WEBHOOK_ALLOW_PRIVATE, and nothing is ever posted to it here. */
const WEBHOOK_URL = 'https://93.184.216.34/hooks';
const E3 = '05e9a617-0261-4cee-bb44-138d3ef5d965';

/** Everything the checks point at: a distributor with MSPs A and B, a user limited to B, and objects under A. */
export interface ContractFixture {
  distributor: number;
  mspA: number;
  mspB: number;
  companyA1: number;
  companyA2: number;
  companyB1: number;
  product: number;
  userA: number;
  keyA: number;
  userB: number;
  keyB: string;
  transactionA: number;
  contractA: number;
  tenantA1: number;
  tenantA2: number;
  licenseKeyA: number;
  vendorCredential: number;
  alertA: number;
  endpointA: number;
  deliveryA: number;
}

export interface CallContext {
  api: TestApp;
  fixture: ContractFixture;
  /** A name no other call of this file used. */
  unique(label: string): string;
}

/** How a principal limited to MSP B meets the method when it points at what lies outside its subtree. */
export type SiblingRule =
  /** An id outside the subtree answers exactly as a missing id does, and a write changes nothing. */
  | {
      kind: 'hidden';
      target: (fixture: ContractFixture) => number;
      call: (fixture: ContractFixture, id: number) => Params;
      /** The answer for a missing id: 404 for most, 400 where a missing id is a row error of the input. */
      status?: 404 | 400;
      /** What must stay as it was, read by the unlimited admin before and after. */
      unchanged?: (context: CallContext) => Promise<unknown>;
    }
  /** A search lists nothing outside the subtree, and a filter pointing outside finds nothing. */
  | {
      kind: 'unlisted';
      call: (fixture: ContractFixture) => Params;
      hidden: (context: CallContext) => Promise<number[]> | number[];
      outside?: (fixture: ContractFixture) => Params;
    }
  /** Installation-wide data: everyone reads the same. */
  | { kind: 'shared-read'; call: (fixture: ContractFixture) => Params }
  /** Installation-wide data: only an unlimited user may write it. */
  | { kind: 'shared-write'; call: (context: CallContext) => Params | Promise<Params>; unchanged: (context: CallContext) => Promise<unknown> }
  /** Acts on the caller's own credential only. */
  | { kind: 'own-credential' }
  /** The one method callable without a credential: nothing to scope. */
  | { kind: 'public' };

export interface MethodContract {
  /** A call the unlimited admin makes successfully (it may make its own objects first). */
  sample: (context: CallContext) => Params | Promise<Params>;
  /** What of two successful answers must be equal: writes that make a new object each time leave out what is new. */
  comparable?: (result: any) => unknown;
  /** Input the method's schema refuses. */
  invalid: (fixture: ContractFixture) => Params;
  sibling: SiblingRule;
}

const without =
  (...keys: string[]) =>
  (result: any) =>
    Object.fromEntries(Object.entries(result).filter(([key]) => !keys.includes(key)));

// --- wire forms ---

/** The REST form of a call: path parameters in the path, the rest in the query (GET, DELETE) or the JSON body. */
export function restForm(method: MethodDefinition, params: Params): { verb: string; path: string; body?: Params } {
  const rest = { ...params };
  const path = method.rest.path.replace(/:(\w+)/g, (_match, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value));
  });
  if (method.rest.method === 'GET' || method.rest.method === 'DELETE') {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(rest)) if (value !== undefined) query.set(name, String(value));
    const text = query.toString();
    return { verb: method.rest.method, path: text ? `${path}?${text}` : path };
  }
  return { verb: method.rest.method, path, body: rest };
}

export function callRest(api: TestApp, method: MethodDefinition, params: Params, key?: string | null): Promise<HttpAnswer> {
  const { verb, path, body } = restForm(method, params);
  return api.rest(verb, path, { key, body });
}

export function callRpc(api: TestApp, method: MethodDefinition, params: Params, key?: string | null): Promise<HttpAnswer> {
  return api.rpc({ jsonrpc: '2.0', id: 1, method: method.name, params }, { key });
}

/** The JSON-RPC answer a REST answer corresponds to. */
const asRpc = (rest: HttpAnswer) => (rest.status === 200 ? { jsonrpc: '2.0', id: 1, result: rest.body } : { jsonrpc: '2.0', id: 1, error: rest.body?.error });

async function admin(api: TestApp, method: string, params: Params = {}) {
  return api.call(method, params);
}

// --- the fixture ---

/** Builds the fixture once per file, as the unlimited admin. */
export async function buildContractFixture(api: TestApp): Promise<ContractFixture> {
  const distributor = (await admin(api, 'clients.create', { kind: 'distributor', name: 'Contract Distribution' })).id;
  const msp = async (name: string) => (await admin(api, 'clients.create', { kind: 'msp', name, resellers_id: distributor, currency: 'USD' })).id;
  const mspA = await msp('MSP A');
  const mspB = await msp('MSP B');
  const company = async (name: string, parent: number) => (await admin(api, 'clients.create', { kind: 'company', name, resellers_id: parent })).id;
  const companyA1 = await company('A1 Company', mspA);
  const companyA2 = await company('A2 Company', mspA);
  const companyB1 = await company('B1 Company', mspB);
  const product = (await admin(api, 'catalog.products.create', { id: 9001, name: 'Contract Seat', kind: 'plan' })).id;

  const userA = (await admin(api, 'iam.users.create', { login: 'limited-a', password: PASSWORD, resellers_id: mspA })).id;
  const keyA = (await admin(api, 'iam.api_keys.create', { users_id: userA, name: 'A key' })).id;
  const userB = (await admin(api, 'iam.users.create', { login: 'limited-b', password: PASSWORD, resellers_id: mspB })).id;
  const keyB = (await admin(api, 'iam.api_keys.create', { users_id: userB, name: 'B key' })).key;

  await admin(api, 'accounting.currencies.rates.create', { from: 'USD', to: 'EUR', rate: '0.9', effective_at: '2026-01-01T00:00:00Z' });
  const transactionA = (await admin(api, 'accounting.transactions.create', { clients_id: companyA1, amount: '25.00' })).id;
  await admin(api, 'billing.price_books.create', { layer: 'cost', clients_id: mspA, products_id: product, unit_price: '2', effective_at: '2026-01-01T00:00:00Z' });
  await admin(api, 'billing.quantities.set', { clients_id: companyA1, products_id: product, quantity: '3', effective_at: '2026-02-01T00:00:00Z' });
  await admin(api, 'billing.statements.close', { clients_id: mspA, year: 2026, month: 2 });
  const contractA = (await admin(api, 'contracts.create', { clients_id: mspA, contract_number: 'A-1' })).id;
  await admin(api, 'psa.reconciliation.set', { clients_id: companyA1, products_id: product, year: 2026, month: 2, psa_quantity: '3' });
  await admin(api, 'licenses.settings.update', { clients_id: mspA, graph_client_id: 'contract-app', graph_client_secret: 'contract-secret' });
  const tenantA1 = (await admin(api, 'licenses.tenants.import_snapshot', snapshot(companyA1))).id;
  const tenantA2 = (await admin(api, 'licenses.tenants.connect', { clients_id: companyA2, directory_id: GRAPH_DIRECTORY })).id;
  const licenseKeyA = (await admin(api, 'licenses.api_keys.create', { clients_id: mspA, name: 'A tracker' })).id;
  const vendorCredential = (await admin(api, 'iam.vendor_credentials.create', { distributors_id: distributor, vendor: 'Contract Vendor' })).id;
  const [alertA] = (await admin(api, 'alerts.search', { tenants_id: tenantA1 })).items;
  assert.ok(alertA, 'the snapshot of A1 fires an alert');
  const endpointA = (await admin(api, 'webhooks.endpoints.create', { clients_id: mspA, url: WEBHOOK_URL, events: ['alert.created'] })).id;
  // The queued events fan out into deliveries; no worker runs, so nothing is posted.
  await runDueJobs({ db: api.app.db, handlers: { [EVENT_JOB]: api.app.jobHandlers[EVENT_JOB] }, log: pino({ level: 'silent' }), now: api.clock.now, workerId: 'contract' });
  const [deliveryA] = (await admin(api, 'webhooks.deliveries.search', { endpoints_id: endpointA })).items;
  assert.ok(deliveryA, 'the alert of A1 is queued for endpoint A');
  return {
    distributor,
    mspA,
    mspB,
    companyA1,
    companyA2,
    companyB1,
    product,
    userA,
    keyA,
    userB,
    keyB,
    transactionA,
    contractA,
    tenantA1,
    tenantA2,
    licenseKeyA,
    vendorCredential,
    alertA: alertA.id,
    endpointA,
    deliveryA: deliveryA.id,
  };
}

/** A fake Microsoft Graph holding the directory tenant A2 connects to. */
export async function startContractGraph(): Promise<FakeGraph> {
  const graph = await new FakeGraph().start();
  graph.addTenant({
    directoryId: GRAPH_DIRECTORY,
    clientId: 'contract-app',
    clientSecret: 'contract-secret',
    domains: ['contract.example'],
    skus: [{ skuId: E3, skuPartNumber: 'SPE_E3', enabled: 4, consumed: 2 }],
    subscriptions: [],
    users: [],
  });
  return graph;
}

function snapshot(clientsId: number): Params {
  return {
    clients_id: clientsId,
    primary_domain: 'a1.example',
    // Unused seats renewing within the window: the import fires a renewal alert.
    skus: [{ sku_part_number: 'CONTRACT_SKU', name: 'Contract SKU', purchased: 5, assigned: 1, renewal_at: '2026-03-20T00:00:00Z' }],
    users: [{ id: 'u1', display_name: 'U1', enabled: true, licenses: ['CONTRACT_SKU'], last_sign_in_at: '2026-03-09T08:00:00Z' }],
  };
}

// Objects made for one call only, so that a write made through each transport finds the same state.
const freshCompany = async ({ api, fixture, unique }: CallContext, parent = fixture.mspA) =>
  (await admin(api, 'clients.create', { kind: 'company', name: unique('Company'), resellers_id: parent })).id as number;
const freshUser = async ({ api, fixture, unique }: CallContext) =>
  (await admin(api, 'iam.users.create', { login: unique('user'), resellers_id: fixture.mspA })).id as number;
const freshProduct = async ({ api, unique }: CallContext) => {
  const id = 9100 + Number(unique('').replace(/\D/g, ''));
  return (await admin(api, 'catalog.products.create', { id, name: `Product ${id}`, kind: 'addon' })).id as number;
};
const freshVendorCredential = async ({ api, fixture, unique }: CallContext) =>
  (await admin(api, 'iam.vendor_credentials.create', { distributors_id: fixture.distributor, vendor: unique('Vendor') })).id as number;
const freshAlert = async (context: CallContext) => {
  const tenant = await admin(context.api, 'licenses.tenants.import_snapshot', snapshot(await freshCompany(context)));
  return (await admin(context.api, 'alerts.search', { tenants_id: tenant.id })).items[0].id as number;
};
const freshEndpoint = async ({ api, fixture }: CallContext) =>
  (await admin(api, 'webhooks.endpoints.create', { clients_id: fixture.mspA, url: WEBHOOK_URL })).id as number;
const freshContract = async ({ api, fixture, unique }: CallContext) =>
  (await admin(api, 'contracts.create', { clients_id: fixture.mspA, contract_number: unique('C') })).id as number;

// What the unlimited admin reads to see that a refused write changed nothing.
const clientNow = (id: (fixture: ContractFixture) => number) => (context: CallContext) => admin(context.api, 'clients.get', { id: id(context.fixture) });
const userNow = (context: CallContext) => admin(context.api, 'iam.users.get', { id: context.fixture.userA });
const keysOfUserA = async (context: CallContext) =>
  (await admin(context.api, 'iam.api_keys.search', { users_id: context.fixture.userA })).items.map((key: any) => [key.id, key.revoked_at]);
const usersUnderA = (context: CallContext) => admin(context.api, 'iam.users.search', { resellers_id: context.fixture.mspA });
const clientsUnderA = (context: CallContext) => admin(context.api, 'clients.search', { resellers_id: context.fixture.mspA });
const vendorCredentials = (context: CallContext) => admin(context.api, 'iam.vendor_credentials.search', { distributors_id: context.fixture.distributor, limit: 1000 });
const transactionsOfA1 = (context: CallContext) => admin(context.api, 'accounting.transactions.search', { clients_id: context.fixture.companyA1 });
const historyOfA1 = (context: CallContext) => admin(context.api, 'billing.quantities.history', { clients_id: context.fixture.companyA1, limit: 1000 });
const priceBookOfA = (context: CallContext) => admin(context.api, 'billing.price_books.search', { clients_id: context.fixture.mspA, limit: 1000 });
const statementOfA = (month: number) => (context: CallContext) =>
  admin(context.api, 'billing.statements.get', { clients_id: context.fixture.mspA, year: 2026, month });
const contractsOfA = (context: CallContext) => admin(context.api, 'contracts.search', { clients_id: context.fixture.mspA });
const reconciliationOfA = (context: CallContext) => admin(context.api, 'psa.reconciliation.search', { clients_id: context.fixture.mspA, year: 2026, month: 2 });
const licenseSettingsOfA = (context: CallContext) => admin(context.api, 'licenses.settings.get', { clients_id: context.fixture.mspA });
const alertsOfA = (context: CallContext) => admin(context.api, 'alerts.search', { clients_id: context.fixture.mspA });
const tenantsOfA = (context: CallContext) => admin(context.api, 'licenses.tenants.search', { msp_id: context.fixture.mspA });
const endpointsOfA = (context: CallContext) => admin(context.api, 'webhooks.endpoints.search', { clients_id: context.fixture.mspA, limit: 1000 });
const deliveriesOfA = (context: CallContext) => admin(context.api, 'webhooks.deliveries.search', { clients_id: context.fixture.mspA, limit: 1000 });
const licenseKeysOfA = (context: CallContext) => admin(context.api, 'licenses.api_keys.search', { clients_id: context.fixture.mspA });
const rates = (context: CallContext) => admin(context.api, 'accounting.currencies.get_rate', { from: 'USD', to: 'GBP' }).catch((error: Error) => error.message);
const productNow = (context: CallContext) => admin(context.api, 'catalog.products.get', { id: context.fixture.product });
const catalogNow = (context: CallContext) => admin(context.api, 'catalog.products.search', { limit: 1000 });

const byId = (id: number) => ({ id });
const month = { year: 2026, month: 2 };

/** Every registry method, with how the shared checks call it. */
export const METHOD_CONTRACTS: Record<string, MethodContract> = {
  // --- authentication and users ---
  'iam.auth.jwt.authenticate': {
    sample: () => ({ login: 'limited-a', password: PASSWORD }),
    invalid: () => ({ login: '', password: PASSWORD }),
    sibling: { kind: 'public' },
  },
  'iam.auth.jwt.refresh': {
    sample: () => ({}),
    invalid: () => ({ __tz: 'Mars/Olympus_Mons' }),
    sibling: { kind: 'own-credential' },
  },
  'iam.users.create': {
    sample: ({ fixture, unique }) => ({ login: unique('user'), resellers_id: fixture.mspA }),
    comparable: without('id', 'login'),
    invalid: () => ({ login: 'short-password', password: 'short' }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ login: 'sneaky', resellers_id: id }), unchanged: usersUnderA },
  },
  'iam.users.get': {
    sample: ({ fixture }) => byId(fixture.userA),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.userA, call: (_f, id) => byId(id) },
  },
  'iam.users.search': {
    sample: ({ fixture }) => ({ resellers_id: fixture.mspA }),
    invalid: () => ({ limit: 0 }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.userA], outside: (f) => ({ resellers_id: f.mspA }) },
  },
  'iam.users.update': {
    sample: async (context) => ({ id: await freshUser(context), name: 'Renamed' }),
    invalid: ({ userA }) => ({ id: userA, email: 'not an address' }),
    sibling: { kind: 'hidden', target: (f) => f.userA, call: (_f, id) => ({ id, name: 'Taken over' }), unchanged: userNow },
  },
  'iam.users.delete': {
    sample: async (context) => byId(await freshUser(context)),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.userA, call: (_f, id) => byId(id), unchanged: userNow },
  },
  'iam.api_keys.create': {
    sample: ({ fixture }) => ({ users_id: fixture.userA, name: 'sample' }),
    comparable: without('id', 'key', 'display_prefix'),
    invalid: () => ({ expires_in: '2h' }),
    sibling: { kind: 'hidden', target: (f) => f.userA, call: (_f, id) => ({ users_id: id }), unchanged: keysOfUserA },
  },
  'iam.api_keys.search': {
    // NOTE: userA's keys are never used, so no last-use write lands between the two forms of the call.
    sample: ({ fixture }) => ({ users_id: fixture.userA }),
    invalid: () => ({ revoked: 'maybe' }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.keyA], outside: (f) => ({ users_id: f.userA }) },
  },
  'iam.api_keys.revoke': {
    sample: async ({ api, fixture }) => byId((await admin(api, 'iam.api_keys.create', { users_id: fixture.userA })).id),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.keyA, call: (_f, id) => byId(id), unchanged: keysOfUserA },
  },
  'iam.vendor_credentials.create': {
    sample: ({ fixture, unique }) => ({ distributors_id: fixture.distributor, vendor: unique('Vendor') }),
    comparable: without('id', 'vendor', 'consumer_key', 'secret', 'users_id'),
    invalid: ({ distributor }) => ({ distributors_id: distributor, vendor: 'Tab\tVendor' }),
    sibling: { kind: 'hidden', target: (f) => f.distributor, call: (_f, id) => ({ distributors_id: id, vendor: 'Sneaky Vendor' }), unchanged: vendorCredentials },
  },
  'iam.vendor_credentials.search': {
    sample: ({ fixture }) => ({ distributors_id: fixture.distributor, vendor: 'Contract Vendor' }),
    invalid: () => ({ status: 'lost' }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.vendorCredential], outside: (f) => ({ distributors_id: f.distributor }) },
  },
  'iam.vendor_credentials.rotate': {
    sample: async (context) => byId(await freshVendorCredential(context)),
    comparable: without('id', 'vendor', 'consumer_key', 'secret', 'users_id'),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.vendorCredential, call: (_f, id) => byId(id), unchanged: vendorCredentials },
  },
  'iam.vendor_credentials.revoke': {
    sample: async (context) => byId(await freshVendorCredential(context)),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.vendorCredential, call: (_f, id) => byId(id), unchanged: vendorCredentials },
  },

  // --- clients ---
  'clients.create': {
    sample: ({ fixture }) => ({ kind: 'company', name: 'Sample Company', resellers_id: fixture.mspA }),
    comparable: without('id'),
    invalid: ({ mspA }) => ({ kind: 'reseller', name: 'Nope', resellers_id: mspA }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ kind: 'company', name: 'Sneaky Company', resellers_id: id }), unchanged: clientsUnderA },
  },
  'clients.get': {
    sample: ({ fixture }) => byId(fixture.companyA1),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (_f, id) => byId(id) },
  },
  'clients.search': {
    sample: ({ fixture }) => ({ resellers_id: fixture.mspA }),
    invalid: () => ({ kind: 'reseller' }),
    sibling: {
      kind: 'unlisted',
      call: () => ({ limit: 1000 }),
      hidden: ({ fixture }) => [fixture.mspA, fixture.companyA1, fixture.companyA2, fixture.distributor],
      outside: (f) => ({ resellers_id: f.mspA }),
    },
  },
  'clients.update': {
    sample: async (context) => ({ id: await freshCompany(context), name: 'Renamed Company' }),
    invalid: ({ companyA1 }) => ({ id: companyA1, country: 'France' }),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (_f, id) => ({ id, name: 'Taken over', credit: '1000' }), unchanged: clientNow((f) => f.companyA1) },
  },
  'clients.delete': {
    sample: async (context) => byId(await freshCompany(context)),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.companyA2, call: (_f, id) => byId(id), unchanged: clientNow((f) => f.companyA2) },
  },
  'clients.archive': {
    sample: async (context) => byId(await freshCompany(context)),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (_f, id) => byId(id), unchanged: clientNow((f) => f.companyA1) },
  },

  // --- currencies and transactions ---
  'accounting.currencies.search': {
    sample: () => ({ code: 'EUR' }),
    invalid: () => ({ code: 'EURO' }),
    sibling: { kind: 'shared-read', call: () => ({ limit: 1000 }) },
  },
  'accounting.currencies.get_rate': {
    sample: () => ({ from: 'USD', to: 'EUR' }),
    invalid: () => ({ from: 'USD' }),
    sibling: { kind: 'shared-read', call: () => ({ from: 'EUR', to: 'USD', date: '2026-02-01T00:00:00Z' }) },
  },
  'accounting.currencies.rates.create': {
    sample: () => ({ from: 'USD', to: 'CHF', rate: '0.88' }),
    comparable: (result) => ({ ...without('id')(result), reverse: without('id')(result.reverse) }),
    invalid: () => ({ from: 'USD', to: 'GBP', rate: 'high' }),
    sibling: { kind: 'shared-write', call: () => ({ from: 'USD', to: 'GBP', rate: '0.75' }), unchanged: rates },
  },
  'accounting.transactions.create': {
    sample: async (context) => ({ clients_id: await freshCompany(context), amount: '-10.00' }),
    comparable: without('id', 'clients_id'),
    invalid: ({ companyA1 }) => ({ clients_id: companyA1, amount: '1.234' }),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (_f, id) => ({ clients_id: id, amount: '-10.00' }), unchanged: transactionsOfA1 },
  },
  'accounting.transactions.create_no_negative': {
    sample: async (context) => ({ clients_id: await freshCompany(context), amount: '10.00' }),
    comparable: without('id', 'clients_id'),
    invalid: ({ companyA1 }) => ({ clients_id: companyA1, amount: '10', taxes_state: 'maybe' }),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (_f, id) => ({ clients_id: id, amount: '10.00' }), unchanged: transactionsOfA1 },
  },
  'accounting.transactions.search': {
    sample: ({ fixture }) => ({ clients_id: fixture.companyA1 }),
    invalid: () => ({ kind: 'barter' }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.transactionA], outside: (f) => ({ clients_id: f.companyA1 }) },
  },

  // --- audit ---
  'audit.search': {
    sample: ({ fixture }) => ({ entity: 'client', entity_id: String(fixture.companyA1) }),
    invalid: () => ({ from: 'yesterday' }),
    sibling: {
      kind: 'unlisted',
      call: () => ({ limit: 1000 }),
      hidden: async ({ api, fixture }) => {
        const entries = [];
        for (const [entity, id] of [['client', fixture.mspA], ['client', fixture.companyA1], ['user', fixture.userA], ['transaction', fixture.transactionA]] as const) {
          entries.push(...(await admin(api, 'audit.search', { entity, entity_id: String(id) })).items);
        }
        return entries.map((entry: any) => entry.id);
      },
      outside: (f) => ({ entity: 'client', entity_id: String(f.companyA1) }),
    },
  },

  // --- catalog ---
  'catalog.products.create': {
    sample: ({ unique }) => {
      const id = 9500 + Number(unique('').replace(/\D/g, ''));
      return { id, name: 'Sample Product', kind: 'service' };
    },
    comparable: without('id', 'sort_order'),
    invalid: () => ({ id: 9999, name: 'No Kind' }),
    sibling: { kind: 'shared-write', call: () => ({ id: 9998, name: 'Sneaky Product', kind: 'plan' }), unchanged: catalogNow },
  },
  'catalog.products.get': {
    sample: ({ fixture }) => byId(fixture.product),
    invalid: () => byId(-1 as never),
    sibling: { kind: 'shared-read', call: (f) => byId(f.product) },
  },
  'catalog.products.search': {
    sample: () => ({ kind: 'plan' }),
    invalid: () => ({ status: 'gone' }),
    sibling: { kind: 'shared-read', call: () => ({ limit: 1000 }) },
  },
  'catalog.products.update': {
    sample: async (context) => ({ id: await freshProduct(context), name: 'Renamed Product' }),
    invalid: ({ product }) => ({ id: product, proration: 'sometimes' }),
    sibling: { kind: 'shared-write', call: ({ fixture }) => ({ id: fixture.product, name: 'Sneaky Rename' }), unchanged: productNow },
  },
  'catalog.products.delete': {
    sample: async (context) => byId(await freshProduct(context)),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'shared-write', call: ({ fixture }) => byId(fixture.product), unchanged: productNow },
  },

  // --- ledger and prices ---
  'billing.quantities.set': {
    sample: ({ fixture }) => ({ clients_id: fixture.companyA1, products_id: fixture.product, quantity: '4', effective_at: '2026-03-01T00:00:00Z' }),
    comparable: without('id'),
    invalid: ({ companyA1, product }) => ({ clients_id: companyA1, products_id: product, quantity: '-1' }),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (f, id) => ({ clients_id: id, products_id: f.product, quantity: '99' }), unchanged: historyOfA1 },
  },
  'billing.quantities.import': {
    sample: ({ fixture }) => ({ rows: [{ clients_id: fixture.companyA1, products_id: fixture.product, quantity: '5', effective_at: '2026-03-02T00:00:00Z' }] }),
    invalid: () => ({ rows: [] }),
    sibling: {
      kind: 'hidden',
      target: (f) => f.companyA1,
      call: (f, id) => ({ rows: [{ clients_id: id, products_id: f.product, quantity: '99' }] }),
      status: 400,
      unchanged: historyOfA1,
    },
  },
  'billing.quantities.history': {
    sample: ({ fixture }) => ({ clients_id: fixture.companyA1, from: '2026-01-01T00:00:00Z' }),
    invalid: () => ({}),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (_f, id) => ({ clients_id: id }) },
  },
  'billing.gauges.set': {
    sample: ({ fixture }) => ({ clients_id: fixture.companyA1, gauge: 'max_users', value: 7 }),
    comparable: without('id'),
    invalid: ({ companyA1 }) => ({ clients_id: companyA1, gauge: 'admins', value: 1 }),
    sibling: {
      kind: 'hidden',
      target: (f) => f.companyA1,
      call: (_f, id) => ({ clients_id: id, gauge: 'invited_users', value: 99 }),
      unchanged: async ({ api, fixture }) => (await admin(api, 'billing.usage.current', { clients_id: fixture.mspA })).companies,
    },
  },
  'billing.price_books.create': {
    sample: ({ fixture }) => ({ layer: 'sell', clients_id: fixture.mspA, products_id: fixture.product, unit_price: '3', effective_at: '2026-04-01T00:00:00Z' }),
    comparable: without('id'),
    invalid: ({ mspA, product }) => ({ layer: 'retail', clients_id: mspA, products_id: product, unit_price: '3' }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (f, id) => ({ layer: 'cost', clients_id: id, products_id: f.product, unit_price: '0' }), unchanged: priceBookOfA },
  },
  'billing.price_books.search': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA }),
    invalid: () => ({}),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id }) },
  },

  // --- statements ---
  'billing.statements.get': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, ...month }),
    invalid: ({ mspA }) => ({ clients_id: mspA, year: 2026, month: 13 }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id, ...month }) },
  },
  'billing.usage.current': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA }),
    invalid: () => ({ clients_id: 'abc' }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id }) },
  },
  'billing.statements.close': {
    sample: async ({ api, fixture, unique }) => ({
      clients_id: (await admin(api, 'clients.create', { kind: 'msp', name: unique('MSP'), resellers_id: fixture.distributor })).id,
      ...month,
    }),
    comparable: (result) => ({ ...result, items: result.items.map(without('clients_id', 'statements_id')) }),
    invalid: () => ({ year: 1999, month: 1 }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id, year: 2026, month: 1 }), unchanged: statementOfA(1) },
  },
  'billing.statements.rerate_preview': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, ...month }),
    invalid: ({ mspA }) => ({ clients_id: mspA, year: 2026 }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id, ...month }) },
  },

  // --- contracts ---
  'contracts.create': {
    sample: ({ fixture, unique }) => ({ clients_id: fixture.mspA, contract_number: unique('C'), products: [fixture.product] }),
    comparable: without('id', 'contract_number', 'cid'),
    invalid: ({ mspA }) => ({ clients_id: mspA }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id, contract_number: 'SNEAKY-1' }), unchanged: contractsOfA },
  },
  'contracts.get': {
    sample: ({ fixture }) => byId(fixture.contractA),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.contractA, call: (_f, id) => byId(id) },
  },
  'contracts.search': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA }),
    invalid: () => ({ status: 'PAUSED' }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.contractA], outside: (f) => ({ clients_id: f.mspA }) },
  },
  'contracts.update': {
    sample: async (context) => ({ id: await freshContract(context), name: 'Renamed contract' }),
    invalid: ({ contractA }) => ({ id: contractA, status: 'PAUSED' }),
    sibling: { kind: 'hidden', target: (f) => f.contractA, call: (_f, id) => ({ id, status: 'CANCELLED' }), unchanged: contractsOfA },
  },
  'contracts.delete': {
    sample: async (context) => byId(await freshContract(context)),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.contractA, call: (_f, id) => byId(id), unchanged: contractsOfA },
  },

  // --- PSA ---
  'psa.export': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, ...month }),
    invalid: ({ mspA }) => ({ clients_id: mspA, ...month, format: 'xlsx' }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id, ...month }) },
  },
  'psa.reconciliation.set': {
    sample: ({ fixture }) => ({ clients_id: fixture.companyA1, products_id: fixture.product, ...month, status: 'approved' }),
    invalid: ({ companyA1, product }) => ({ clients_id: companyA1, products_id: product, ...month, status: 'ignored' }),
    sibling: {
      kind: 'hidden',
      target: (f) => f.companyA1,
      call: (f, id) => ({ clients_id: id, products_id: f.product, ...month, psa_quantity: '99', status: 'dismissed' }),
      unchanged: reconciliationOfA,
    },
  },
  'psa.reconciliation.import': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, ...month, csv: `company_id,products_id,quantity\n${fixture.companyA1},${fixture.product},3\n` }),
    invalid: ({ mspA }) => ({ clients_id: mspA, ...month, csv: '' }),
    sibling: {
      kind: 'hidden',
      target: (f) => f.mspA,
      call: (f, id) => ({ clients_id: id, ...month, csv: `company_id,products_id,quantity\n${f.companyA1},${f.product},99\n` }),
      unchanged: reconciliationOfA,
    },
  },
  'psa.reconciliation.search': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, ...month }),
    invalid: ({ mspA }) => ({ clients_id: mspA, ...month, mismatched_only: 'perhaps' }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id, ...month }) },
  },

  // --- license tracking ---
  'licenses.settings.get': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA }),
    invalid: () => ({ clients_id: 'abc' }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id }) },
  },
  'licenses.settings.update': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, renewal_window_days: 45 }),
    invalid: ({ mspA }) => ({ clients_id: mspA, inactive_after_days: 45 }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id, inactive_after_days: 90, api_access: true }), unchanged: licenseSettingsOfA },
  },
  'licenses.tenants.connect': {
    sample: ({ fixture }) => ({ clients_id: fixture.companyA2, directory_id: GRAPH_DIRECTORY }),
    invalid: ({ companyA2 }) => ({ clients_id: companyA2 }),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (_f, id) => ({ clients_id: id, directory_id: 'sneaky-directory' }), unchanged: tenantsOfA },
  },
  'licenses.tenants.sync': {
    sample: ({ fixture }) => byId(fixture.tenantA2),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.tenantA2, call: (_f, id) => byId(id), unchanged: tenantsOfA },
  },
  'licenses.tenants.import_snapshot': {
    sample: ({ fixture }) => snapshot(fixture.companyA1),
    invalid: ({ companyA1 }) => ({ ...snapshot(companyA1), skus: [{ sku_part_number: 'X', purchased: -1, assigned: 0 }] }),
    sibling: { kind: 'hidden', target: (f) => f.companyA1, call: (_f, id) => ({ ...snapshot(id), skus: [], users: [] }), unchanged: tenantsOfA },
  },
  'licenses.tenants.search': {
    sample: ({ fixture }) => ({ msp_id: fixture.mspA }),
    invalid: () => ({ connection_status: 'asleep' }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.tenantA1, fixture.tenantA2], outside: (f) => ({ msp_id: f.mspA }) },
  },
  'licenses.tenants.get': {
    sample: ({ fixture }) => byId(fixture.tenantA1),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.tenantA1, call: (_f, id) => byId(id) },
  },
  'licenses.summary.get': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA }),
    invalid: () => ({ clients_id: 'abc' }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id }) },
  },
  'licenses.api_keys.create': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, name: 'sample' }),
    comparable: without('id', 'key', 'display_prefix'),
    invalid: ({ mspA }) => ({ clients_id: mspA, expires_at: 'soon' }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id }), unchanged: licenseKeysOfA },
  },
  'licenses.api_keys.search': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, revoked: false }),
    invalid: () => ({}),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id }) },
  },
  'licenses.api_keys.revoke': {
    sample: async ({ api, fixture }) => byId((await admin(api, 'licenses.api_keys.create', { clients_id: fixture.mspA })).id),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.licenseKeyA, call: (_f, id) => byId(id), unchanged: licenseKeysOfA },
  },

  // --- alerts ---
  'alerts.search': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA }),
    invalid: () => ({ status: 'lost' }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.alertA], outside: (f) => ({ clients_id: f.mspA }) },
  },
  'alerts.update': {
    sample: async (context) => ({ id: await freshAlert(context), status: 'read' }),
    invalid: ({ alertA }) => ({ id: alertA, status: 'forgotten' }),
    sibling: { kind: 'hidden', target: (f) => f.alertA, call: (_f, id) => ({ id, status: 'dismissed' }), unchanged: alertsOfA },
  },

  // --- webhooks ---
  'webhooks.endpoints.create': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, url: WEBHOOK_URL, events: ['statement.closed'] }),
    comparable: without('id', 'secret'),
    invalid: ({ mspA }) => ({ clients_id: mspA, url: WEBHOOK_URL, events: ['tenant.exploded'] }),
    sibling: { kind: 'hidden', target: (f) => f.mspA, call: (_f, id) => ({ clients_id: id, url: WEBHOOK_URL }), unchanged: endpointsOfA },
  },
  'webhooks.endpoints.search': {
    sample: ({ fixture }) => ({ clients_id: fixture.mspA, enabled: true }),
    invalid: () => ({ enabled: 'perhaps' }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.endpointA], outside: (f) => ({ clients_id: f.mspA }) },
  },
  'webhooks.endpoints.update': {
    sample: async (context) => ({ id: await freshEndpoint(context), description: 'PSA receiver' }),
    invalid: ({ endpointA }) => ({ id: endpointA, events: ['tenant.exploded'] }),
    sibling: { kind: 'hidden', target: (f) => f.endpointA, call: (_f, id) => ({ id, url: 'https://93.184.216.35/stolen' }), unchanged: endpointsOfA },
  },
  'webhooks.endpoints.delete': {
    sample: async (context) => byId(await freshEndpoint(context)),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.endpointA, call: (_f, id) => byId(id), unchanged: endpointsOfA },
  },
  'webhooks.endpoints.rotate_secret': {
    sample: async (context) => byId(await freshEndpoint(context)),
    comparable: without('id', 'secret'),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.endpointA, call: (_f, id) => byId(id), unchanged: endpointsOfA },
  },
  'webhooks.deliveries.search': {
    sample: ({ fixture }) => ({ endpoints_id: fixture.endpointA }),
    invalid: () => ({ status: 'lost' }),
    sibling: { kind: 'unlisted', call: () => ({ limit: 1000 }), hidden: ({ fixture }) => [fixture.deliveryA], outside: (f) => ({ endpoints_id: f.endpointA }) },
  },
  'webhooks.deliveries.replay': {
    sample: ({ fixture }) => byId(fixture.deliveryA),
    comparable: without('id'),
    invalid: () => byId('abc' as never),
    sibling: { kind: 'hidden', target: (f) => f.deliveryA, call: (_f, id) => byId(id), unchanged: deliveriesOfA },
  },
};

// --- the checks ---

/** The method's entry in the table; a method without one fails here, with its name. */
export function contractOf(method: MethodDefinition): MethodContract {
  const contract = METHOD_CONTRACTS[method.name];
  assert.ok(contract, `${method.name} has no entry in METHOD_CONTRACTS (test/api/contract.ts): every registry method must pass the shared checks`);
  return contract;
}

const NOT_AUTHORIZED = { code: -32005, message: 'Not authorized' };

/** (a) Without a credential: HTTP 401 on REST and JSON-RPC; the one public method answers anyway. */
export async function checkCredentialRequired(context: CallContext, method: MethodDefinition): Promise<void> {
  const params = await contractOf(method).sample(context);
  const viaRest = await callRest(context.api, method, params, null);
  const viaRpc = await callRpc(context.api, method, params, null);
  if (method.auth === 'public') {
    assert.equal(viaRest.status, 200, viaRest.text);
    assert.equal(viaRpc.status, 200, viaRpc.text);
    assert.ok(viaRpc.body.result, viaRpc.text);
    return;
  }
  assert.equal(viaRest.status, 401, viaRest.text);
  assert.deepEqual(viaRest.body, { error: NOT_AUTHORIZED });
  assert.equal(viaRpc.status, 401, viaRpc.text);
  assert.deepEqual(viaRpc.body, { jsonrpc: '2.0', id: 1, error: NOT_AUTHORIZED });
}

/** The answer to a missing id, with the missing id written as `id`: what an id outside the subtree must answer. */
function asIfFor(answer: HttpAnswer, id: number) {
  return { status: answer.status, body: JSON.parse(answer.text.replaceAll(String(MISSING_ID), String(id))) };
}

/** (b) A principal limited to MSP B cannot reach what lies outside its subtree. */
export async function checkSiblingScope(context: CallContext, method: MethodDefinition): Promise<void> {
  const rule = contractOf(method).sibling;
  const { api, fixture } = context;
  const key = fixture.keyB;
  switch (rule.kind) {
    case 'public':
      assert.equal(method.auth, 'public', `${method.name} is not public: say how a limited user meets it`);
      return;
    case 'own-credential': {
      const viaRest = await callRest(api, method, {}, key);
      const viaRpc = await callRpc(api, method, {}, key);
      assert.equal(viaRest.status, 200, viaRest.text);
      assert.equal(decodeJwt(viaRest.body.token).sub, String(fixture.userB));
      assert.equal(decodeJwt(viaRpc.body.result.token).sub, String(fixture.userB));
      return;
    }
    case 'hidden': {
      const expected = rule.status ?? 404;
      const target = rule.target(fixture);
      const before = rule.unchanged && (await rule.unchanged(context));
      const siblingRest = await callRest(api, method, rule.call(fixture, target), key);
      const siblingRpc = await callRpc(api, method, rule.call(fixture, target), key);
      const missingRest = await callRest(api, method, rule.call(fixture, MISSING_ID), key);
      const missingRpc = await callRpc(api, method, rule.call(fixture, MISSING_ID), key);
      assert.equal(siblingRest.status, expected, siblingRest.text);
      assert.equal(siblingRest.body.error.code, expected === 404 ? -32004 : -32602, siblingRest.text);
      assert.deepEqual({ status: siblingRest.status, body: siblingRest.body }, asIfFor(missingRest, target));
      assert.deepEqual({ status: siblingRpc.status, body: siblingRpc.body }, asIfFor(missingRpc, target));
      assert.deepEqual(siblingRpc.body, asRpc(siblingRest));
      if (rule.unchanged) assert.deepEqual(await rule.unchanged(context), before);
      return;
    }
    case 'unlisted': {
      const hidden = await rule.hidden(context);
      assert.ok(hidden.length > 0, 'something lies outside the subtree to be hidden');
      const idsOf = (answer: any) => answer.items.map((item: { id: number }) => item.id);
      const seenByAdmin = idsOf(await api.call(method.name, rule.call(fixture)));
      for (const id of hidden) assert.ok(seenByAdmin.includes(id), `the admin's ${method.name} lists ${id}, so its absence below means something`);
      const viaRest = await callRest(api, method, rule.call(fixture), key);
      const viaRpc = await callRpc(api, method, rule.call(fixture), key);
      assert.equal(viaRest.status, 200, viaRest.text);
      assert.deepEqual(idsOf(viaRest.body).filter((id: number) => hidden.includes(id)), []);
      assert.deepEqual(idsOf(viaRpc.body.result).filter((id: number) => hidden.includes(id)), []);
      assert.equal(viaRest.body.total, viaRest.body.items.length);
      if (rule.outside) {
        const narrowed = await callRest(api, method, rule.outside(fixture), key);
        assert.deepEqual([narrowed.status, narrowed.body], [200, { items: [], total: 0 }]);
      }
      return;
    }
    case 'shared-read': {
      const params = rule.call(fixture);
      const forAdmin = await callRest(api, method, params);
      const viaRest = await callRest(api, method, params, key);
      const viaRpc = await callRpc(api, method, params, key);
      assert.equal(forAdmin.status, 200, forAdmin.text);
      assert.deepEqual([viaRest.status, viaRest.body], [200, forAdmin.body]);
      assert.deepEqual(viaRpc.body, asRpc(forAdmin));
      return;
    }
    case 'shared-write': {
      const before = await rule.unchanged(context);
      const params = await rule.call(context);
      const viaRest = await callRest(api, method, params, key);
      const viaRpc = await callRpc(api, method, params, key);
      const refusal = {
        code: -32022,
        message: 'Only a user not limited to a reseller may change installation-wide data',
        data: { name: 'PermissionDenied' },
      };
      assert.deepEqual([viaRest.status, viaRest.body], [422, { error: refusal }]);
      assert.deepEqual(viaRpc.body, { jsonrpc: '2.0', id: 1, error: refusal });
      assert.deepEqual(await rule.unchanged(context), before);
      return;
    }
  }
}

/** (c) Input the schema refuses: 400 on REST, -32602 on JSON-RPC, with the same message. */
export async function checkInvalidInput(context: CallContext, method: MethodDefinition): Promise<void> {
  const params = contractOf(method).invalid(context.fixture);
  const viaRest = await callRest(context.api, method, params);
  const viaRpc = await callRpc(context.api, method, params);
  assert.equal(viaRest.status, 400, viaRest.text);
  assert.equal(viaRest.body.error.code, -32602, viaRest.text);
  assert.equal(viaRpc.body.error?.code, -32602, viaRpc.text);
  assert.equal(viaRpc.body.error.message, viaRest.body.error.message);
}

/** (d) The REST and JSON-RPC forms of the same call answer the same. */
export async function checkTransportsAgree(context: CallContext, method: MethodDefinition): Promise<void> {
  const contract = contractOf(method);
  const comparable = contract.comparable ?? ((result: unknown) => result);
  const viaRest = await callRest(context.api, method, await contract.sample(context));
  const viaRpc = await callRpc(context.api, method, await contract.sample(context));
  assert.equal(viaRest.status, 200, viaRest.text);
  assert.ok('result' in viaRpc.body, viaRpc.text);
  assert.deepEqual(comparable(viaRpc.body.result), comparable(viaRest.body));
}

/** (e) The method is documented in /openapi.json under its own name. */
export function checkOpenApi(document: any, method: MethodDefinition): void {
  const path = method.rest.path.replace(/:(\w+)/g, '{$1}');
  const operation = document.paths?.[path]?.[method.rest.method.toLowerCase()];
  assert.equal(operation?.operationId, method.name, `${method.rest.method} ${path}`);
}
