import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KEEPER_CATALOG } from '../../src/services/demo/demo-data.ts';
import { startTestApp, type HttpAnswer, type TestApp } from '../support/app.ts';

// The MSP Billing usage face of seed 000 (spec/keeper-billing.md): `x-api-token: Bearer <key>` with the
// BILLING role, billing-usage and current-usage on both mounts, and `{success:false, error, message}` refusals.
// Seed 001's full monthly sample is reproduced in keeper-billing-seed.test.ts.

const MOUNTS = ['/bi_api/rest/public/msp', '/api/rest/public/msp'];
/** What the distributor charges the MSP per unit and month: seed 001's prices. */
const SEED_PRICES: Record<number, string> = {
  720: '3.4', 10001: '2.25', 10002: '4.2', 10010: '3', 10011: '4.8', 1011: '25', 1012: '100', 920: '0.5', 930: '1', 940: '0.5', 730: '64', 967: '25.2', 910: '1',
};

const refusal = (error: string, message: string) => ({ success: false, error, message });
const UNAUTHORIZED = refusal('Unauthorized', 'Invalid or missing token.');
const BAD_MONTH = refusal('Missing/Invalid month', 'Month is invalid.');
const BAD_YEAR = refusal('Missing/Invalid year', 'Year is invalid.');
const BAD_COMPANY = refusal('Missing/Invalid companyId', 'companyId is invalid.');

/** The keeper faces' companyId: the unpadded base64 of the numeric id. */
const companyIdOf = (id: number) => Buffer.from(String(id)).toString('base64').replace(/=+$/, '');
const bearer = (key: string) => ({ 'x-api-token': `Bearer ${key}` });

interface Installation {
  api: TestApp;
  distributorId: number;
  msp: { id: number; name: string };
  /** A read-only BILLING key of a user limited to the MSP. */
  key: string;
}

let logins = 0;

/** A key for a new user limited to `clientsId`. */
async function keyFor(api: TestApp, clientsId: number, options: Record<string, unknown> = { roles: ['BILLING'], access: 1 }): Promise<{ id: number; key: string }> {
  const user = await api.call('iam.users.create', { login: `billing-${++logins}`, resellers_id: clientsId });
  return api.call('iam.api_keys.create', { users_id: user.id, ...options });
}

/** The Keeper catalog, a distributor and an MSP (New York billing zone by default) with seed 001's cost prices. */
async function startInstallation(options: { at?: string; zone?: string; taxRate?: string; prices?: Record<number, string> } = {}): Promise<Installation> {
  const api = await startTestApp();
  api.clock.set(options.at ?? '2026-03-10T12:00:00Z');
  for (const [index, product] of KEEPER_CATALOG.entries()) {
    await api.call('catalog.products.create', { ...product, sort_order: (index + 1) * 10 });
  }
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', {
    kind: 'msp',
    name: 'Best MSP',
    resellers_id: distributor.id,
    currency: 'USD',
    billing_time_zone: options.zone ?? 'America/New_York',
    ...(options.taxRate && { tax_rate: options.taxRate }),
  });
  for (const [productId, price] of Object.entries({ ...SEED_PRICES, ...options.prices })) {
    await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: Number(productId), unit_price: price, effective_at: '2024-01-01T00:00:00Z' });
  }
  const { key } = await keyFor(api, msp.id);
  return { api, distributorId: distributor.id, msp, key };
}

const company = (api: TestApp, resellersId: number, name: string) => api.call('clients.create', { kind: 'company', name, resellers_id: resellersId });
const hold = (api: TestApp, clientsId: number, productId: number, quantity: string, effectiveAt?: string) =>
  api.call('billing.quantities.set', { clients_id: clientsId, products_id: productId, quantity, ...(effectiveAt && { effective_at: effectiveAt }) });

const get = (api: TestApp, path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> => api.rest('GET', path, { key: null, headers });

/** Both endpoints on both mounts. */
const endpoints = (query = '') => MOUNTS.flatMap((mount) => [`${mount}/billing-usage?month=2&year=2026${query}`, `${mount}/current-usage${query ? `?${query.slice(1)}` : ''}`]);

async function assertAnswers(api: TestApp, paths: string[], headers: Record<string, string>, status: number, body: unknown): Promise<void> {
  for (const path of paths) {
    const answer = await get(api, path, headers);
    assert.equal(answer.status, status, `${path} with ${JSON.stringify(headers)}`);
    assert.deepEqual(answer.body, body, `${path} with ${JSON.stringify(headers)}`);
  }
}

/** The face's monthly body for a native statement, field by field as spec/keeper-billing.md names them. */
function expectedMonthly(native: any) {
  const holder = (item: any) => ({
    companyId: companyIdOf(item.clients_id),
    total: Number(item.total),
    companyName: item.name,
    products: item.lines.map((line: any) => ({
      unitPrice: Number(line.unit_price),
      ...(line.unit !== null && { unit: line.unit }),
      quantity: Number(line.quantity),
      productId: line.products_id,
      productName: line.product_name,
      avgMonthlyCost: Number(line.avg_monthly_cost),
    })),
  });
  return {
    success: true,
    usage: {
      total: Number(native.total),
      tax: Number(native.tax),
      currency: native.currency,
      mcItems: native.companies.map(holder),
      subTotal: Number(native.sub_total),
      ...(native.msp_item && { mspItem: holder(native.msp_item) }),
    },
  };
}

test('a missing or malformed x-api-token is refused with 401 on both endpoints and mounts', async () => {
  const { api, key } = await startInstallation();
  for (const path of endpoints()) assert.equal((await get(api, path, bearer(key))).status, 200, path);
  const malformed: Record<string, string>[] = [
    {},
    { 'x-api-token': key },
    { 'x-api-token': 'Bearer' },
    { 'x-api-token': `Token ${key}` },
    { authorization: `Bearer ${key}` },
    { 'x-api-key': key },
  ];
  for (const headers of malformed) {
    await assertAnswers(api, endpoints(), headers, 401, UNAUTHORIZED);
  }
});

test('an unknown endpoint or method under either mount answers in the face’s error shape', async () => {
  const { api } = await startInstallation();
  for (const mount of MOUNTS) {
    assert.deepEqual((await get(api, `${mount}/invoices`)).body, refusal('Not Found', 'No such endpoint.'));
    const posted = await api.rest('POST', `${mount}/billing-usage?month=2&year=2026`, { key: null, body: {} });
    assert.deepEqual([posted.status, posted.body], [404, refusal('Not Found', 'No such endpoint.')]);
  }
});

test('an unknown key is refused with 401', async () => {
  const { api } = await startInstallation();
  await assertAnswers(api, endpoints(), bearer(`sl_live_${'x'.repeat(43)}`), 401, UNAUTHORIZED);
});

test('a revoked key is refused with 401 from its next request', async () => {
  const { api, msp } = await startInstallation();
  const key = await keyFor(api, msp.id);
  assert.equal((await get(api, endpoints()[0], bearer(key.key))).status, 200);
  assert.equal(await api.call('iam.api_keys.revoke', { id: key.id }), 1);
  await assertAnswers(api, endpoints(), bearer(key.key), 401, UNAUTHORIZED);
});

test('an expired key is refused with 401', async () => {
  const { api, msp } = await startInstallation();
  const key = await keyFor(api, msp.id, { roles: ['BILLING'], expires_in: '24h' });
  api.clock.advance(86_399);
  assert.equal((await get(api, endpoints()[1], bearer(key.key))).status, 200);
  api.clock.advance(1);
  await assertAnswers(api, endpoints(), bearer(key.key), 401, UNAUTHORIZED);
});

test('a key without the BILLING role is refused with 403', async () => {
  const { api, msp } = await startInstallation();
  const key = await keyFor(api, msp.id, { access: 1 });
  await assertAnswers(api, endpoints(), bearer(key.key), 403, refusal('Forbidden', 'Token lacks the BILLING role.'));
});

test('a key of a user limited to a managed company is refused with 403', async () => {
  const { api, msp } = await startInstallation();
  const cowboys = await company(api, msp.id, 'Cowboys');
  const key = await keyFor(api, cowboys.id);
  await assertAnswers(api, endpoints(), bearer(key.key), 403, refusal('Forbidden', 'MC trying to access api.'));
});

test('a month that is not 1–12 without a leading zero is refused with 400 Month is invalid.', async () => {
  const { api, key } = await startInstallation();
  for (const mount of MOUNTS) {
    assert.equal((await get(api, `${mount}/billing-usage?month=2&year=2026`, bearer(key))).status, 200);
    for (const month of ['month=01', 'month=0', 'month=13', 'month=1.5', 'month=', 'month=May', 'month=-1', 'month=%202', 'month=2&month=2', '']) {
      await assertAnswers(api, [`${mount}/billing-usage?${month}&year=2026`], bearer(key), 400, BAD_MONTH);
    }
  }
});

test('a year that is not four digits, or before 2000 where statements start, is refused with 400 Year is invalid.', async () => {
  const { api, key } = await startInstallation();
  for (const mount of MOUNTS) {
    for (const year of ['year=24', 'year=20245', 'year=', 'year=abcd', 'year=2026.0', 'year=1999', '']) {
      await assertAnswers(api, [`${mount}/billing-usage?month=2&${year}`], bearer(key), 400, BAD_YEAR);
    }
  }
});

test('when both month and year are invalid, the month is reported', async () => {
  const { api, key } = await startInstallation();
  for (const mount of MOUNTS) {
    for (const query of ['month=13&year=24', 'month=01&year=', '']) {
      await assertAnswers(api, [`${mount}/billing-usage?${query}`], bearer(key), 400, BAD_MONTH);
    }
  }
});

test('a month after the current month in the MSP billing zone is refused, even when UTC is already in it', async () => {
  // 2026-05-01T02:00Z is still April 30 in New York.
  const { api, key, distributorId } = await startInstallation({ at: '2026-05-01T02:00:00Z' });
  const utcMsp = await api.call('clients.create', { kind: 'msp', name: 'Harbor IT', resellers_id: distributorId, currency: 'USD', billing_time_zone: 'UTC' });
  const utcKey = await keyFor(api, utcMsp.id);
  for (const mount of MOUNTS) {
    await assertAnswers(api, [`${mount}/billing-usage?month=5&year=2026`, `${mount}/billing-usage?month=1&year=2027`], bearer(key), 400, BAD_MONTH);
    assert.equal((await get(api, `${mount}/billing-usage?month=4&year=2026`, bearer(key))).status, 200);
    assert.equal((await get(api, `${mount}/billing-usage?month=5&year=2026`, bearer(utcKey.key))).status, 200);
  }
});

test('the current month answers the statement so far', async () => {
  const { api, key, msp } = await startInstallation({ at: '2026-04-20T12:00:00Z' });
  const cowboys = await company(api, msp.id, 'Cowboys');
  await hold(api, cowboys.id, 10001, '2', '2026-04-01T04:00:00Z');
  await hold(api, msp.id, 720, '2', '2026-04-01T04:00:00Z');
  for (const mount of MOUNTS) {
    const answer = await get(api, `${mount}/billing-usage?month=4&year=2026`, bearer(key));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {
      success: true,
      usage: {
        total: 11.3,
        tax: 0,
        currency: 'USD',
        mcItems: [
          {
            companyId: companyIdOf(cowboys.id),
            total: 4.5,
            companyName: 'Cowboys',
            products: [{ unitPrice: 2.25, unit: 'user', quantity: 2, productId: 10001, productName: 'Keeper Business Bundle', avgMonthlyCost: 4.5 }],
          },
        ],
        subTotal: 11.3,
        mspItem: {
          companyId: companyIdOf(msp.id),
          total: 6.8,
          companyName: 'Best MSP',
          products: [{ unitPrice: 3.4, unit: 'user', quantity: 2, productId: 720, productName: 'MSP Base License', avgMonthlyCost: 6.8 }],
        },
      },
    });
  }
});

test('a month before the MSP existed answers an empty statement', async () => {
  const { api, key, msp } = await startInstallation({ at: '2026-04-20T12:00:00Z' });
  const cowboys = await company(api, msp.id, 'Cowboys');
  await hold(api, cowboys.id, 10001, '2');
  await hold(api, msp.id, 720, '2');
  for (const mount of MOUNTS) {
    for (const query of ['month=3&year=2026', 'month=12&year=2025', 'month=1&year=2000']) {
      const answer = await get(api, `${mount}/billing-usage?${query}`, bearer(key));
      assert.equal(answer.status, 200, query);
      assert.deepEqual(answer.body, {
        success: true,
        usage: { total: 0, tax: 0, currency: 'USD', mcItems: [], subTotal: 0, mspItem: { companyId: companyIdOf(msp.id), total: 0, companyName: 'Best MSP', products: [] } },
      });
    }
  }
});

test('a distributor key without companyId is refused with 400', async () => {
  const { api, distributorId } = await startInstallation();
  const key = await keyFor(api, distributorId);
  await assertAnswers(api, endpoints(), bearer(key.key), 400, refusal('Missing/Invalid companyId', 'companyId is required for distributor tokens.'));
});

test('a distributor key with its MSP companyId answers what the MSP key answers', async () => {
  const { api, distributorId, msp, key } = await startInstallation();
  const cowboys = await company(api, msp.id, 'Cowboys');
  await hold(api, cowboys.id, 10001, '3', '2026-02-01T05:00:00Z');
  const distributorKey = await keyFor(api, distributorId);
  const paths = endpoints(`&companyId=${companyIdOf(msp.id)}`);
  for (const [index, path] of paths.entries()) {
    const asDistributor = await get(api, path, bearer(distributorKey.key));
    const asMsp = await get(api, endpoints()[index], bearer(key));
    assert.equal(asDistributor.status, 200, path);
    assert.equal(asDistributor.text, asMsp.text, path);
    assert.equal(asDistributor.body.usage.mcItems[0].companyName, 'Cowboys');
  }
});

test('a distributor key naming an MSP outside its subtree gets the invalid companyId answer and learns nothing', async () => {
  const { api, distributorId, msp } = await startInstallation();
  const rival = await api.call('clients.create', { kind: 'distributor', name: 'Southwind' });
  const rivalMsp = await api.call('clients.create', { kind: 'msp', name: 'Rival Secret MSP', resellers_id: rival.id, currency: 'USD' });
  await hold(api, rivalMsp.id, 720, '5', '2026-02-01T00:00:00Z');
  const ownCompany = await company(api, msp.id, 'Cowboys');
  const key = await keyFor(api, distributorId);
  for (const companyId of [companyIdOf(rivalMsp.id), companyIdOf(987_654), 'not-an-id', '', companyIdOf(ownCompany.id)]) {
    for (const path of endpoints(`&companyId=${companyId}`)) {
      const answer = await get(api, path, bearer(key.key));
      assert.equal(answer.status, 400, `${path}`);
      assert.equal(answer.text, JSON.stringify(BAD_COMPANY), path);
    }
  }
});

test('current usage has seed 001’s shape: plan, gauges, usage units and sizes, and an mspItem without plan or maximum', async () => {
  const { api, key, msp } = await startInstallation();
  const packers = await company(api, msp.id, 'Packers');
  const cowboys = await company(api, msp.id, 'Cowboys');
  await hold(api, packers.id, 10010, '30');
  await hold(api, packers.id, 1011, '1');
  await hold(api, packers.id, 920, '30');
  await hold(api, packers.id, 730, '1');
  await hold(api, packers.id, 967, '2');
  await hold(api, cowboys.id, 10001, '1');
  await hold(api, msp.id, 720, '31');
  await hold(api, msp.id, 1012, '1');
  await hold(api, msp.id, 730, '1');
  for (const [clientsId, invited, maximum] of [[cowboys.id, 1, 5], [packers.id, 3, 30]]) {
    await api.call('billing.gauges.set', { clients_id: clientsId, gauge: 'invited_users', value: invited });
    await api.call('billing.gauges.set', { clients_id: clientsId, gauge: 'max_users', value: maximum });
  }
  const expected = {
    success: true,
    usage: {
      mcItems: [
        {
          companyId: companyIdOf(cowboys.id),
          companyName: 'Cowboys',
          plan: 'Keeper Business Bundle',
          invitedUsers: 1,
          maximumAllowedUsers: 5,
          products: [{ unit: 'bundles', quantity: 1, productId: 10001, productName: 'Keeper Business Bundle' }],
        },
        {
          companyId: companyIdOf(packers.id),
          companyName: 'Packers',
          plan: 'Keeper Enterprise Bundle',
          invitedUsers: 3,
          maximumAllowedUsers: 30,
          products: [
            { unit: 'bundles', quantity: 30, productId: 10010, productName: 'Keeper Enterprise Bundle' },
            { unit: 'GB', quantity: 1000, productId: 1011, productName: '1TB Secure File Storage' },
            { unit: 'licenses', quantity: 30, productId: 920, productName: 'Advanced Reporting & Alerts' },
            { unit: '', quantity: 1, productId: 730, productName: 'Dedicated Service & Support' },
            { unit: 'KCM users', quantity: 2, productId: 967, productName: 'Keeper Connection Manager (KCM)' },
          ],
        },
      ],
      mspItem: {
        companyId: companyIdOf(msp.id),
        companyName: 'Best MSP',
        invitedUsers: 0,
        products: [
          { unit: 'licenses', quantity: 31, productId: 720, productName: 'MSP Base License' },
          { unit: 'GB', quantity: 10000, productId: 1012, productName: '10TB Secure File Storage' },
          { unit: '', quantity: 1, productId: 730, productName: 'Dedicated Service & Support' },
        ],
      },
    },
  };
  for (const mount of MOUNTS) {
    const answer = await get(api, `${mount}/current-usage`, bearer(key));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, expected);
    // Keys in the seed's order, as a client parsing by position or diffing text would see them.
    assert.equal(answer.text, JSON.stringify(expected));
  }
});

test('in current usage a product set back to 0 disappears, and a company holding nothing is omitted', async () => {
  const { api, key, msp } = await startInstallation();
  const packers = await company(api, msp.id, 'Packers');
  const vikings = await company(api, msp.id, 'Vikings');
  await company(api, msp.id, 'Bears');
  await hold(api, packers.id, 10010, '30', '2026-03-01T05:00:00Z');
  await hold(api, packers.id, 930, '30', '2026-03-01T05:00:00Z');
  await hold(api, vikings.id, 10002, '4', '2026-03-01T05:00:00Z');
  await hold(api, msp.id, 720, '34', '2026-03-01T05:00:00Z');
  await hold(api, msp.id, 940, '34', '2026-03-01T05:00:00Z');
  const before = await get(api, `${MOUNTS[0]}/current-usage`, bearer(key));
  assert.deepEqual(
    before.body.usage.mcItems.map((item: any) => [item.companyName, item.products.map((product: any) => product.productId)]),
    [['Packers', [10010, 930]], ['Vikings', [10002]]],
  );
  await hold(api, packers.id, 930, '0');
  await hold(api, vikings.id, 10002, '0');
  await hold(api, msp.id, 940, '0');
  for (const mount of MOUNTS) {
    const answer = await get(api, `${mount}/current-usage`, bearer(key));
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.usage, {
      mcItems: [
        {
          companyId: companyIdOf(packers.id),
          companyName: 'Packers',
          plan: 'Keeper Enterprise Bundle',
          invitedUsers: 0,
          maximumAllowedUsers: 0,
          products: [{ unit: 'bundles', quantity: 30, productId: 10010, productName: 'Keeper Enterprise Bundle' }],
        },
      ],
      mspItem: {
        companyId: companyIdOf(msp.id),
        companyName: 'Best MSP',
        invitedUsers: 0,
        products: [{ unit: 'licenses', quantity: 34, productId: 720, productName: 'MSP Base License' }],
      },
    });
  }
});

test('money travels as JSON numbers exact to 2 dp, rounded half up', async () => {
  // February 2026 in New York: 2026-02-01T05:00Z to 2026-03-01T05:00Z, 2,419,200 s.
  const { api, key, msp } = await startInstallation({ taxRate: '0.0825', prices: { 10001: '1.1', 940: '0.2', 910: '0.1' } });
  const cowboys = await company(api, msp.id, 'Cowboys');
  const mcTest = await company(api, msp.id, 'MC Test');
  await hold(api, cowboys.id, 10001, '3', '2026-02-01T05:00:00Z');
  await hold(api, cowboys.id, 940, '1', '2026-02-01T05:00:00Z');
  await hold(api, cowboys.id, 910, '1', '2026-02-01T05:00:00Z');
  // Held for the last 0.89 of the month (266,112 s in).
  await hold(api, mcTest.id, 10011, '1', '2026-02-04T06:55:12Z');
  await hold(api, mcTest.id, 920, '1', '2026-02-04T06:55:12Z');
  const line = (productId: number, productName: string, unitPrice: number, quantity: number, avgMonthlyCost: number) =>
    `{"unitPrice":${unitPrice},"unit":"user","quantity":${quantity},"productId":${productId},"productName":"${productName}","avgMonthlyCost":${avgMonthlyCost}}`;
  const expected =
    `{"success":true,"usage":{"total":9.01,"tax":0.69,"currency":"USD","mcItems":[` +
    `{"companyId":"${companyIdOf(cowboys.id)}","total":3.6,"companyName":"Cowboys","products":[` +
    `${line(10001, 'Keeper Business Bundle', 1.1, 3, 3.3)},${line(940, 'Compliance Reporting', 0.2, 1, 0.2)},${line(910, 'KeeperChat', 0.1, 1, 0.1)}]},` +
    `{"companyId":"${companyIdOf(mcTest.id)}","total":4.72,"companyName":"MC Test","products":[` +
    `${line(10011, 'Keeper Enterprise Plus Bundle', 4.8, 0.89, 4.27)},${line(920, 'Advanced Reporting & Alerts', 0.5, 0.89, 0.45)}]}],` +
    `"subTotal":8.32,"mspItem":{"companyId":"${companyIdOf(msp.id)}","total":0,"companyName":"Best MSP","products":[]}}}`;
  for (const mount of MOUNTS) {
    const answer = await get(api, `${mount}/billing-usage?month=2&year=2026`, bearer(key));
    assert.equal(answer.status, 200);
    assert.equal(answer.text, expected);
    assert.doesNotMatch(answer.text, /\d\.\d{3}/);
  }
});

test('billing-usage carries the numbers of the native billing.statements.get for the same MSP and month', async () => {
  const { api, key, msp } = await startInstallation({ taxRate: '0.0825' });
  const packers = await company(api, msp.id, 'Packers');
  const eagles = await company(api, msp.id, 'Eagles');
  await hold(api, msp.id, 720, '31', '2026-01-15T00:00:00Z');
  await hold(api, msp.id, 1012, '1', '2026-02-10T00:00:00Z');
  await hold(api, packers.id, 10010, '30', '2026-01-01T00:00:00Z');
  await hold(api, packers.id, 10010, '35', '2026-02-17T15:30:00Z');
  await hold(api, packers.id, 1011, '1', '2026-02-20T00:00:00Z');
  await hold(api, packers.id, 730, '1', '2026-01-01T00:00:00Z');
  await hold(api, eagles.id, 10002, '7', '2026-01-01T00:00:00Z');
  await hold(api, eagles.id, 10002, '0', '2026-02-11T08:00:00Z');
  for (const month of [1, 2, 3]) {
    const native = await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month });
    assert.notEqual(native.total, '0.00');
    for (const mount of MOUNTS) {
      const answer = await get(api, `${mount}/billing-usage?month=${month}&year=2026`, bearer(key));
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body, expectedMonthly(native), `${mount} month ${month}`);
    }
  }
});

test('an internal failure answers 500 without internals', async () => {
  // A cost no JSON number can carry exactly: 99,999,999,999,999 × 1000 has 17 significant digits.
  const { api, key, msp } = await startInstallation({ prices: { 730: '99999999999999' } });
  await hold(api, msp.id, 730, '1000', '2026-02-01T05:00:00Z');
  const native = await api.call('billing.statements.get', { clients_id: msp.id, year: 2026, month: 2 });
  assert.equal(native.total, '99999999999999000.00');
  for (const mount of MOUNTS) {
    const answer = await get(api, `${mount}/billing-usage?month=2&year=2026`, bearer(key));
    assert.equal(answer.status, 500);
    assert.equal(answer.text, JSON.stringify(refusal('Internal Server Error', 'Unexpected error occurred.')));
  }
});
