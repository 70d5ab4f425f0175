import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KEEPER_CATALOG } from '../../src/services/demo/demo-data.ts';
import { startTestApp } from '../support/app.ts';

// Rebuilds seed 001's monthly-usage sample through the public API and reads it back through the
// MSP Billing face: every line, every company total and the grand total 2387.74, to the cent.

const seedDir = new URL('../../../shared/seeds/', import.meta.url);
const seedText = readFileSync(new URL(readdirSync(seedDir).find((name) => name.startsWith('001_'))!, seedDir), 'utf8');
const sampleStart = seedText.indexOf('{"success":true,"usage":{"total"');
const sample = JSON.parse(seedText.slice(sampleStart, seedText.indexOf('\n', sampleStart)));

interface SampleProduct {
  unitPrice: number;
  unit?: string;
  quantity: number;
  productId: number;
  productName: string;
  avgMonthlyCost: number;
}
interface SampleHolder {
  companyId: string;
  total: number;
  companyName: string;
  products: SampleProduct[];
}

// October 2024 in UTC: 2,678,400 s. MC Test held its products for the last 0.89 of it.
const MONTH_START = Date.UTC(2024, 9, 1);
const MONTH_SECONDS = 31 * 86_400;
const MC_TEST_FROM = new Date(MONTH_START + Math.round(0.11 * MONTH_SECONDS) * 1000);
const FULL_MONTH_PRICES: Record<number, number> = { 1011: 25, 1012: 100 };

test('seed 001 monthly usage is reproduced exactly through the public API and the MSP Billing face', async () => {
  const api = await startTestApp();
  api.clock.set('2024-11-02T12:00:00Z');
  for (const [index, product] of KEEPER_CATALOG.entries()) {
    await api.call('catalog.products.create', { ...product, sort_order: (index + 1) * 10 });
  }
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: sample.usage.mspItem.companyName, resellers_id: distributor.id, currency: 'USD' });

  const listPrices = new Map<number, number>();
  for (const holder of [...sample.usage.mcItems, sample.usage.mspItem] as SampleHolder[]) {
    for (const product of holder.products) {
      listPrices.set(product.productId, FULL_MONTH_PRICES[product.productId] ?? product.unitPrice);
    }
  }
  for (const [productId, price] of listPrices) {
    await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: productId, unit_price: String(price), effective_at: '2024-01-01T00:00:00Z' });
  }

  const holdRows = (clientId: number, holder: SampleHolder) =>
    holder.products.map((product) => {
      const partial = holder.companyName === 'MC Test';
      return {
        clients_id: clientId,
        products_id: product.productId,
        // A prorated line shows 0.89 of the single unit held; price- and none-prorated lines show the unit.
        quantity: partial ? '1' : String(product.quantity),
        effective_at: (partial ? MC_TEST_FROM : new Date(MONTH_START)).toISOString(),
      };
    });
  const rows = [];
  for (const company of sample.usage.mcItems as SampleHolder[]) {
    const created = await api.call('clients.create', { kind: 'company', name: company.companyName, resellers_id: msp.id });
    rows.push(...holdRows(created.id, company));
  }
  rows.push(...holdRows(msp.id, sample.usage.mspItem));
  await api.call('billing.quantities.import', { source: 'seed', rows });

  const key = await api.call('iam.api_keys.create', { roles: ['BILLING'], name: 'billing usage' });
  const mspUser = await api.call('iam.users.create', { login: 'qamspnfl', resellers_id: msp.id });
  const mspKey = await api.call('iam.api_keys.create', { users_id: mspUser.id, roles: ['BILLING'] });
  assert.ok(key.key);
  const answer = await api.rest('GET', '/bi_api/rest/public/msp/billing-usage?month=10&year=2024', {
    key: null,
    headers: { 'x-api-token': `Bearer ${mspKey.key}` },
  });
  assert.equal(answer.status, 200);
  const withoutIds = (body: any) =>
    JSON.parse(JSON.stringify(body), (name, value) => (name === 'companyId' ? undefined : value));
  assert.deepEqual(withoutIds(answer.body), withoutIds(sample));
  assert.equal(answer.body.usage.total, 2387.74);
  const mcTest = answer.body.usage.mcItems.find((company: SampleHolder) => company.companyName === 'MC Test');
  assert.deepEqual(
    mcTest.products.map((product: SampleProduct) => [product.productId, product.quantity, product.unitPrice, product.avgMonthlyCost]),
    [
      [10011, 0.89, 4.8, 4.27],
      [1012, 1, 89, 89],
      [940, 0.89, 0.5, 0.45],
      [730, 1, 64, 64],
      [967, 0.89, 25.2, 22.43],
      [910, 0.89, 1, 0.89],
    ],
  );
  // The same statement natively, with each line's explanation.
  const native = await api.call('billing.statements.get', { clients_id: msp.id, year: 2024, month: 10 });
  assert.equal(native.total, '2387.74');
  const nativeMcTest = native.companies.find((company: { name: string }) => company.name === 'MC Test');
  assert.deepEqual(nativeMcTest.lines[0].breakdown, [
    { from: MC_TEST_FROM.toISOString(), to: '2024-11-01T00:00:00.000Z', quantity: '1', fraction: '0.89' },
  ]);
});
