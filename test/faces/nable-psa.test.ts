import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';

const SFDC = '001H234578asdfIAS';

async function psaFixture(api: TestApp) {
  api.clock.set('2024-02-09T20:04:06Z');
  await api.call('catalog.products.create', {
    id: 50001,
    name: 'Cove Data Protection Additional Capacity',
    kind: 'storage',
    usage_unit: 'GB',
    service_name: 'Cove Data Protection | Additional Capacity',
    feature_name: '0100_ADDITIONAL_CAPACITY',
    sku: 'MSPUK-BU-AC',
    uom: 'GB',
  });
  await api.call('catalog.products.create', { id: 50002, name: 'Cove Data Protection | Server', kind: 'addon', usage_unit: 'devices', sku: 'MSPUK-BU-SRV', uom: 'Device' });
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id, sfdc_account_id: SFDC, billing_time_zone: 'America/New_York' });
  const cowboys = await api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: msp.id });
  const eagles = await api.call('clients.create', { kind: 'company', name: 'Eagles', resellers_id: msp.id });
  const contract = await api.call('contracts.create', {
    clients_id: msp.id,
    contract_number: '123678-USD-01',
    cid: '789012',
    name: 'Backup',
    bp_account_id: 123467,
    tenant_id: '0100_678905',
    products: [50001],
  });
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: 50001, unit_price: '0.1', effective_at: '2024-01-01T00:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: cowboys.id, products_id: 50001, quantity: 250, effective_at: '2024-09-01T04:00:00Z' });
  await api.call('billing.quantities.set', { clients_id: eagles.id, products_id: 50002, quantity: 3, effective_at: '2024-09-01T04:00:00Z' });
  api.clock.set('2024-11-28T06:25:30Z');
  const user = await api.call('iam.users.create', { login: 'best-msp-psa', resellers_id: msp.id });
  const key = (await api.call('iam.api_keys.create', { users_id: user.id })).key;
  return { msp, cowboys, eagles, contract, key };
}

const post = (api: TestApp, path: string, key: string | null) =>
  api.rest('POST', `/ws/rest/V1/PSA_API/${path}`, { key: null, headers: key === null ? {} : { 'x-api-key': key } });

test('PSABillableServices answers the documented shape for a real contract and month', async () => {
  const api = await startTestApp();
  const { contract, cowboys, key } = await psaFixture(api);
  const answer = await post(api, `PSABillableServices/${SFDC}/202409/${contract.id}`, key);
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, {
    PSABillableServices: [
      {
        AccountName: 'Best MSP',
        BpAccountId: 123467,
        Cid: '789012',
        ContractNumber: '123678-USD-01',
        ContractStatus: 'ACTIVE',
        Created: '2024-02-09T15:04:06',
        SfdcAccountId: SFDC,
        TenantId: '0100_678905',
        TimeFrame: 202409,
        Updated: '2024-02-09T15:04:06',
        'Billable Services': [
          { BillingServiceName: 'Cove Data Protection | Additional Capacity', ProductFeatureName: '0100_ADDITIONAL_CAPACITY', Sku: 'MSPUK-BU-AC', Uom: 'GB' },
        ],
        Clients: [{ ClientId: cowboys.id, Name: 'Cowboys' }],
      },
    ],
  });
  assert.ok(answer.text.includes('"Billable Services"'));
});

test('an unknown contract, another MSP’s contract or a month without usage answers account data only', async () => {
  const api = await startTestApp();
  const { contract, key } = await psaFixture(api);
  const unknown = await post(api, `PSABillableServices/${SFDC}/202409/999999`, key);
  assert.deepEqual(unknown.body, { PSABillableServices: [{ AccountName: 'Best MSP', SfdcAccountId: SFDC, TimeFrame: 202409 }] });
  const empty = await post(api, `PSABillableServices/${SFDC}/202401/${contract.id}`, key);
  assert.equal(empty.status, 200);
  assert.equal('Billable Services' in empty.body.PSABillableServices[0], false);
  assert.equal('Clients' in empty.body.PSABillableServices[0], false);
  assert.equal(empty.body.PSABillableServices[0].ContractNumber, '123678-USD-01');
});

test('a missing key, a wrong key, another MSP’s key or a key above the MSP gets 401 with the documented body', async () => {
  const api = await startTestApp();
  const { contract, msp } = await psaFixture(api);
  const keyOf = async (login: string, resellers_id?: number) => (await api.call('iam.api_keys.create', { users_id: (await api.call('iam.users.create', { login, ...(resellers_id && { resellers_id }) })).id })).key;
  const other = await api.call('clients.create', { kind: 'msp', name: 'Other MSP', resellers_id: msp.resellers_id, sfdc_account_id: '001OTHER' });
  const otherKey = await keyOf('other-psa', other.id);
  // The key belongs to an MSP: the distributor's key and an unlimited one are not this MSP's key.
  const distributorKey = await keyOf('northwind-psa', msp.resellers_id);
  const installationKey = await keyOf('installation-psa');
  for (const key of [null, 'sl_live_not-a-key', otherKey, distributorKey, installationKey]) {
    const answer = await post(api, `PSABillableServices/${SFDC}/202409/${contract.id}`, key);
    assert.equal(answer.status, 401);
    assert.deepEqual(answer.body, { message: 'Unauthorized', http_status_code: 401 });
  }
});

test('a timeframe that is not YYYYMM with a month 01–12 gets 400', async () => {
  const api = await startTestApp();
  const { contract, key } = await psaFixture(api);
  for (const timeframe of ['2024-09', '202413', '202400', '20249', 'abcdef']) {
    const answer = await post(api, `PSABillableServices/${SFDC}/${timeframe}/${contract.id}`, key);
    assert.equal(answer.status, 400, timeframe);
    assert.equal(answer.body.http_status_code, 400);
  }
});

test('InvoicesReady shows an open month as OPEN/PENDING, a closed one as CLOSED/APPROVED, and the current month only from the 10th', async () => {
  const api = await startTestApp();
  const { msp, contract, key } = await psaFixture(api);
  const open = await post(api, `InvoicesReady/${SFDC}/202410`, key);
  assert.deepEqual(open.body.InvoicesReady[0], {
    ActivityStartDate: '2024-10-01',
    InvoiceID: `${msp.id}202410`,
    AccountID: String(msp.id),
    BillingProfileID: String(msp.id),
    ApprovalStatus: 'PENDING',
    FileName: `efile_${msp.id}202410.csv`,
    EFileID: `${msp.id}202410`,
    InvoiceDate: 'November  01, 2024',
    Name: 'Best MSP',
    Status: 'OPEN',
    Contracts: [{ ContractID: String(contract.id), ContractNumber: '123678-USD-01', AccountName: 'Best MSP', Name: 'Backup' }],
  });
  await api.call('billing.statements.close', { clients_id: msp.id, year: 2024, month: 9 });
  const closed = await post(api, `InvoicesReady/${SFDC}/202409`, key);
  assert.equal(closed.body.InvoicesReady[0].Status, 'CLOSED');
  assert.equal(closed.body.InvoicesReady[0].ApprovalStatus, 'APPROVED');
  api.clock.set('2024-11-09T12:00:00Z');
  assert.deepEqual((await post(api, `InvoicesReady/${SFDC}/202411`, key)).body, { InvoicesReady: [] });
  api.clock.set('2024-11-10T12:00:00Z');
  assert.equal((await post(api, `InvoicesReady/${SFDC}/202411`, key)).body.InvoicesReady.length, 1);
});

test('usage details agree with the statement, and an unknown invoice gets 404', async () => {
  const api = await startTestApp();
  const { msp, contract, cowboys, key } = await psaFixture(api);
  const details = await post(api, `PSAUsageDetailsDevices/${SFDC}/202409/${contract.id}/${msp.id}202409`, key);
  assert.equal(details.status, 200);
  const record = details.body.PSAUsageDetailsDevices[0];
  assert.deepEqual(record.TotalByContracts[0].Services, [
    { BillingServiceName: 'Cove Data Protection | Additional Capacity', ProductFeatureName: '0100_ADDITIONAL_CAPACITY', Sku: 'MSPUK-BU-AC', Uom: 'GB', Quantity: '250.00', Price: '0.10', Amount: '25.00' },
  ]);
  assert.deepEqual(record.Clients, [
    { ClientId: cowboys.id, Name: 'Cowboys', Devices: [{ Detail: 'Cowboys', DetailId: String(cowboys.id), UsageCompanyName: 'Cowboys', TotalByService: [{ BillingServiceName: 'Cove Data Protection | Additional Capacity', Quantity: '250.00' }] }] },
  ]);
  const statement = await api.call('billing.statements.get', { clients_id: msp.id, year: 2024, month: 9 });
  const line = statement.companies.find((company: { name: string }) => company.name === 'Cowboys').lines[0];
  assert.equal(line.avg_monthly_cost, '25.00');
  const byTimeFrame = await post(api, `PSAUsageByTimeFrame/${SFDC}/202409`, key);
  assert.deepEqual(byTimeFrame.body.UsageDetailDevices, [record]);
  const unknown = await post(api, `PSAUsageDetailsDevices/${SFDC}/202409/${contract.id}/12345`, key);
  assert.equal(unknown.status, 404);
  assert.deepEqual(unknown.body, { message: 'Invoice not found', http_status_code: 404 });
  // On 9 November, November's invoice is not ready yet and December's not at all: InvoicesReady lists neither.
  api.clock.set('2024-11-09T12:00:00Z');
  for (const timeframe of ['202411', '202412']) {
    const notReady = await post(api, `PSAUsageDetailsDevices/${SFDC}/${timeframe}/${contract.id}/${msp.id}${timeframe}`, key);
    assert.deepEqual([notReady.status, notReady.body], [404, { message: 'Invoice not found', http_status_code: 404 }], timeframe);
    assert.deepEqual((await post(api, `PSAUsageByTimeFrame/${SFDC}/${timeframe}`, key)).body, { UsageDetailDevices: [] }, timeframe);
  }
});

test('a sub-cent unit price is shown exactly, so Quantity × Price = Amount', async () => {
  const api = await startTestApp();
  const { msp, contract, key } = await psaFixture(api);
  await api.call('billing.price_books.create', { layer: 'cost', clients_id: msp.id, products_id: 50001, unit_price: '0.045', effective_at: '2024-09-01T00:00:00Z' });
  const details = await post(api, `PSAUsageDetailsDevices/${SFDC}/202409/${contract.id}/${msp.id}202409`, key);
  assert.deepEqual(details.body.PSAUsageDetailsDevices[0].TotalByContracts[0].Services.map((service: any) => [service.Quantity, service.Price, service.Amount]), [['250.00', '0.045', '11.25']]);
  const statement = await api.call('billing.statements.get', { clients_id: msp.id, year: 2024, month: 9 });
  assert.deepEqual(statement.companies[0].lines.map((line: any) => [line.quantity, line.unit_price, line.avg_monthly_cost]), [['250', '0.045', '11.25']]);
});

test('anything else under the base path answers in the face’s error shape', async () => {
  const api = await startTestApp();
  const { key } = await psaFixture(api);
  const unknownRoute = await post(api, `NoSuchEndpoint/${SFDC}/202409`, key);
  assert.deepEqual([unknownRoute.status, unknownRoute.body], [404, { message: 'Not Found', http_status_code: 404 }]);
  const wrongMethod = await api.rest('GET', `/ws/rest/V1/PSA_API/InvoicesReady/${SFDC}/202409`, { key: null, headers: { 'x-api-key': key } });
  assert.deepEqual([wrongMethod.status, wrongMethod.body], [404, { message: 'Not Found', http_status_code: 404 }]);
});

test('a body the server refuses before any handler (over 16 MB) is a 400 in the face’s shape, not a 500', async () => {
  const api = await startTestApp();
  const { key } = await psaFixture(api);
  const answer = await api.rest('POST', `/ws/rest/V1/PSA_API/InvoicesReady/${SFDC}/202409`, { key: null, headers: { 'x-api-key': key, 'Content-Type': 'application/json' }, body: 'a'.repeat(17 * 1024 * 1024) });
  assert.deepEqual([answer.status, answer.body], [400, { message: 'Request body is too large', http_status_code: 400 }]);
});

test('a key over the installation’s rate limit gets 429 with Retry-After, in the face’s error shape', async () => {
  const api = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '30' } });
  const { key } = await psaFixture(api);
  // The limit counts per key: the PSA key has its own 30 a minute, the 31st is refused.
  let answer;
  for (let request = 0; request < 31; request++) answer = await post(api, `InvoicesReady/${SFDC}/202409`, key);
  assert.deepEqual([answer!.status, answer!.body], [429, { message: 'Too Many Requests', http_status_code: 429 }]);
  assert.match(answer!.headers.get('retry-after') ?? '', /^\d+$/);
});

test('usage details name the devices ingestion named, and the company bills their sum', async () => {
  const api = await startTestApp();
  const { msp, contract, cowboys, key } = await psaFixture(api);
  // Capacity per protected device in September: srv-01 250 GB all month, srv-02 100 GB from 16 September (15 of 30 days).
  await api.call('billing.quantities.import', {
    source: 'backup',
    rows: [
      { clients_id: cowboys.id, products_id: 50001, quantity: '0', effective_at: '2024-09-01T04:00:00Z' },
      { clients_id: cowboys.id, products_id: 50001, quantity: '250', effective_at: '2024-09-01T04:00:00Z', detail: 'srv-01' },
      { clients_id: cowboys.id, products_id: 50001, quantity: '100', effective_at: '2024-09-16T04:00:00Z', detail: 'srv-02' },
    ],
  });
  const statement = await api.call('billing.statements.get', { clients_id: msp.id, year: 2024, month: 9 });
  const line = statement.companies.find((company: { name: string }) => company.name === 'Cowboys').lines[0];
  assert.equal(line.quantity, '300');
  assert.deepEqual(line.details, [
    { detail: 'srv-01', quantity: '250' },
    { detail: 'srv-02', quantity: '50' },
  ]);
  const details = await post(api, `PSAUsageDetailsDevices/${SFDC}/202409/${contract.id}/${msp.id}202409`, key);
  assert.deepEqual(details.body.PSAUsageDetailsDevices[0].Clients[0].Devices, [
    { Detail: 'srv-01', DetailId: 'srv-01', UsageCompanyName: 'Cowboys', TotalByService: [{ BillingServiceName: 'Cove Data Protection | Additional Capacity', Quantity: '250.00' }] },
    { Detail: 'srv-02', DetailId: 'srv-02', UsageCompanyName: 'Cowboys', TotalByService: [{ BillingServiceName: 'Cove Data Protection | Additional Capacity', Quantity: '50.00' }] },
  ]);
  const usage = await api.call('billing.usage.current', { clients_id: msp.id });
  const held = usage.companies.find((company: { name: string }) => company.name === 'Cowboys').products.find((product: { products_id: number }) => product.products_id === 50001);
  assert.equal(held.held, '350');
});
