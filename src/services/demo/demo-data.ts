/** A method call, in-process at first start or over HTTP from the CLI: the demo only uses the public API. */
export type MethodCaller = (method: string, params: Record<string, unknown>) => Promise<any>;

const MSPS = [
  { name: 'Best MSP', sfdc_account_id: '001H234578asdfIAS', billing_time_zone: 'America/New_York', currency: 'USD', country: 'US', tax_rate: '0' },
  { name: 'Harbor IT Services', sfdc_account_id: '001H998877harbrIT', billing_time_zone: 'Europe/London', currency: 'GBP', country: 'GB', tax_rate: '0.2' },
  { name: 'Summit Managed Services', sfdc_account_id: '001H554433smmtMS', billing_time_zone: 'America/Denver', currency: 'USD', country: 'US', tax_rate: '0' },
];

const COMPANIES = [
  ['Cowboys', 'Eagles', 'Commanders', 'Giants', 'Packers', 'Vikings', 'Bears', 'Lions', 'Buccaneers', 'Saints', 'MC Test', 'Falcons'],
  ['Arsenal Dental', 'Brighton Legal', 'Chelsea Bakery', 'Dover Freight', 'Exeter Clinic', 'Fulham Architects', 'Gloucester Print', 'Hove Accountants', 'Ipswich Motors'],
  ['Aspen Ridge Realty', 'Boulder Brewing', 'Cascade Dental', 'Denali Outfitters', 'Estes Park Lodge', 'Flatirons Law', 'Granite Peak Clinic', 'Highline Logistics', 'Idaho Springs Co-op'],
];

/**
 * The Keeper product table of seed 001, with the settings of billing-rules.md §1, in catalog order:
 * plans, storage, then add-ons in the order seed 001's monthly sample lists them.
 */
export const KEEPER_CATALOG = [
  { id: 720, name: 'MSP Base License', kind: 'plan', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
  { id: 10001, name: 'Keeper Business Bundle', kind: 'plan', usage_unit: 'bundles', billing_unit: 'user', proration: 'quantity' },
  { id: 10002, name: 'Keeper Business Plus Bundle', kind: 'plan', usage_unit: 'bundles', billing_unit: 'user', proration: 'quantity' },
  { id: 10010, name: 'Keeper Enterprise Bundle', kind: 'plan', usage_unit: 'bundles', billing_unit: 'user', proration: 'quantity' },
  { id: 10011, name: 'Keeper Enterprise Plus Bundle', kind: 'plan', usage_unit: 'bundles', billing_unit: 'user', proration: 'quantity' },
  { id: 1011, name: '1TB Secure File Storage', kind: 'storage', usage_unit: 'GB', usage_unit_size: '1000', proration: 'price' },
  { id: 1012, name: '10TB Secure File Storage', kind: 'storage', usage_unit: 'GB', usage_unit_size: '10000', proration: 'price' },
  { id: 920, name: 'Advanced Reporting & Alerts', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
  { id: 930, name: 'BreachWatch', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
  { id: 940, name: 'Compliance Reporting', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
  { id: 730, name: 'Dedicated Service & Support', kind: 'service', usage_unit: '', proration: 'none' },
  { id: 967, name: 'Keeper Connection Manager (KCM)', kind: 'addon', usage_unit: 'KCM users', billing_unit: 'user', proration: 'quantity' },
  { id: 968, name: 'Keeper Secrets Manager', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
  { id: 973, name: 'Remote Browser Isolation', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
  { id: 978, name: 'Privileged Access Management', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
  { id: 910, name: 'KeeperChat', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user', proration: 'quantity' },
] as const;

/** A backup product in the PSA seed's style, billed per GB of extra capacity. */
export const BACKUP_PRODUCT = {
  id: 50001,
  name: 'Cove Data Protection | Additional Capacity',
  kind: 'storage',
  usage_unit: 'GB',
  proration: 'quantity',
  vendor: 'N-able',
  sku: 'MSPUK-BU-AC',
  uom: 'GB',
  feature_name: '0100_ADDITIONAL_CAPACITY',
  service_name: 'Cove Data Protection | Additional Capacity',
} as const;

/** What the distributor charges MSPs per unit and month: seed 001's prices. */
const COST_PRICES: Record<number, string> = {
  720: '3.4', 10001: '2.25', 10002: '4.2', 10010: '3', 10011: '4.8', 1011: '25', 1012: '100', 920: '0.5', 930: '1', 940: '0.5',
  730: '64', 967: '25.2', 968: '1', 973: '1.5', 978: '3', 910: '1', 50001: '0.1',
};
/** What MSPs charge their companies: a markup over cost, whole cents. */
const SELL_MARKUP = 1.6;
const PLANS = [10001, 10002, 10010, 10011];

const psaFields = (product: (typeof KEEPER_CATALOG)[number]) => ({
  sku: `KPR-${product.id}`,
  uom: product.usage_unit === 'GB' ? 'GB' : product.kind === 'service' ? 'Each' : 'User',
  feature_name: product.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, ''),
  service_name: `Keeper | ${product.name}`,
});

/** The first instant of the month before `now`, in UTC: demo usage starts there so statements have a whole month. */
function previousMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
}

/**
 * Loads the demo installation: the Keeper catalog with PSA fields and a backup product, one
 * distributor, three MSPs in different zones and currencies with cost and sell prices, contracts,
 * 30 managed companies holding plans, add-ons and storage since last month (a few changed mid-month).
 */
export async function loadDemoData(call: MethodCaller, now: Date = new Date()): Promise<{ distributorId: number; mspIds: number[]; companyIds: number[] }> {
  for (const [index, product] of KEEPER_CATALOG.entries()) {
    await call('catalog.products.create', { ...product, ...psaFields(product), vendor: 'Keeper', sort_order: (index + 1) * 10 });
  }
  await call('catalog.products.create', { ...BACKUP_PRODUCT, sort_order: 1000 });
  const since = previousMonthStart(now);
  const midMonth = new Date(since.getTime() + 9 * 86_400_000);
  const distributor = await call('clients.create', {
    kind: 'distributor',
    name: 'Northwind Distribution',
    email: 'partners@northwind.example',
    country: 'US',
    currency: 'USD',
  });
  const mspIds: number[] = [];
  const companyIds: number[] = [];
  for (const [index, msp] of MSPS.entries()) {
    const created = await call('clients.create', {
      kind: 'msp',
      resellers_id: distributor.id,
      email: `billing@${msp.name.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
      vendor_internal_id: `NW-${1001 + index}`,
      credit: '5000',
      ...msp,
    });
    mspIds.push(created.id);
    for (const [productId, cost] of Object.entries(COST_PRICES)) {
      const sell = (Math.round(Number(cost) * SELL_MARKUP * 100) / 100).toFixed(2);
      for (const [layer, unit_price] of [['cost', cost], ['sell', sell]]) {
        await call('billing.price_books.create', { layer, clients_id: created.id, products_id: Number(productId), unit_price, effective_at: '2020-01-01T00:00:00Z' });
      }
    }
    const rows: Record<string, unknown>[] = [{ clients_id: created.id, products_id: 720, quantity: '31', effective_at: since.toISOString() }];
    for (const [position, name] of COMPANIES[index].entries()) {
      const company = await call('clients.create', { kind: 'company', resellers_id: created.id, name });
      companyIds.push(company.id);
      const seats = 5 + ((position * 7) % 40);
      const hold = (products_id: number, quantity: number, at = since) => rows.push({ clients_id: company.id, products_id, quantity: String(quantity), effective_at: at.toISOString() });
      hold(PLANS[position % PLANS.length], seats);
      if (position % 3 === 0) hold(930, seats);
      if (position % 4 === 1) hold(910, seats);
      if (position % 5 === 2) hold(1011, 1);
      if (position % 2 === 0) hold(50001, 250 + position * 50);
      // A few companies grew mid-month, so their lines are prorated.
      if (position % 4 === 3) hold(PLANS[position % PLANS.length], seats + 5, midMonth);
      await call('billing.gauges.set', { clients_id: company.id, gauge: 'invited_users', value: seats, effective_at: since.toISOString() });
      await call('billing.gauges.set', { clients_id: company.id, gauge: 'max_users', value: seats + 5, effective_at: since.toISOString() });
    }
    await call('billing.quantities.import', { source: 'demo', rows });
    const cid = String(123678 + index);
    await call('contracts.create', { clients_id: created.id, contract_number: `${cid}-${msp.currency}-01`, cid, name: 'Cove Data Protection', bp_account_id: 123467 + index, tenant_id: `0100_${678905 + index}`, products: [BACKUP_PRODUCT.id] });
    await call('contracts.create', { clients_id: created.id, contract_number: `${cid}-${msp.currency}-02`, cid, name: 'Keeper Security', bp_account_id: 123467 + index, tenant_id: `0100_${678905 + index}`, products: KEEPER_CATALOG.map((product) => product.id) });
  }
  await call('accounting.currencies.rates.create', { from: 'USD', to: 'GBP', rate: '0.79' });
  await call('accounting.currencies.rates.create', { from: 'USD', to: 'EUR', rate: '0.92' });
  await call('iam.users.create', { login: 'best-msp-billing', name: 'Best MSP billing', resellers_id: mspIds[0], time_zone: 'America/New_York' });
  return { distributorId: distributor.id, mspIds, companyIds };
}
