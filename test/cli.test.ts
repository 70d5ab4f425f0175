import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ADMIN_KEY, startTestApp, type TestApp } from './support/app.ts';

const BIN = new URL('../bin/seatledger.js', import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), 'seatledger-cli-'));
after(() => rmSync(directory, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI against a test server, as a user would (asynchronously: the server lives in this process). */
function seatledger(api: TestApp, args: string[], options: { key?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, SEATLEDGER_URL: api.url, SEATLEDGER_KEY: options.key ?? ADMIN_KEY, TZ: 'UTC' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function csvFile(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

async function companyWithProduct(api: TestApp) {
  await api.call('catalog.products.create', { id: 930, name: 'BreachWatch', kind: 'addon', usage_unit: 'licenses', billing_unit: 'user' });
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id });
  return api.call('clients.create', { kind: 'company', name: 'Cowboys', resellers_id: msp.id });
}

const history = async (api: TestApp, clientsId: number) =>
  (await api.call('billing.quantities.history', { clients_id: clientsId })).items.map((row: Record<string, unknown>) => [
    row.effective_at,
    row.quantity,
    row.source,
    row.event_id,
    row.detail,
    row.note,
  ]);

test('import quantities sends a CSV and prints what was received, inserted and already there', async () => {
  const api = await startTestApp();
  const company = await companyWithProduct(api);
  const file = csvFile(
    'first.csv',
    'clients_id,products_id,quantity,effective_at,event_id,detail,note\r\n' +
      `${company.id},930,10,2026-03-01T00:00:00Z,psa-1,,\r\n` +
      `${company.id},930,12.5,2026-03-10T00:00:00Z,psa-2,alice@cowboys.example,"renewal, ""early"""\r\n` +
      `${company.id},930,11,2026-03-20T00:00:00Z,psa-3,,"two\r\nlines"\r\n`,
  );

  const first = await seatledger(api, ['import', 'quantities', file, '--source', 'psa', '--batch', '2']);
  assert.deepEqual(first, { code: 0, stdout: `Imported ${file}: 3 rows received, 3 inserted, 0 duplicates.\n`, stderr: '' });
  assert.deepEqual(await history(api, company.id), [
    ['2026-03-01T00:00:00.000Z', '10', 'psa', 'psa-1', null, null],
    ['2026-03-10T00:00:00.000Z', '12.5', 'psa', 'psa-2', 'alice@cowboys.example', 'renewal, "early"'],
    ['2026-03-20T00:00:00.000Z', '11', 'psa', 'psa-3', null, 'two\r\nlines'],
  ]);

  const again = await seatledger(api, ['import', 'quantities', file, '--source', 'psa']);
  assert.deepEqual(again, { code: 0, stdout: `Imported ${file}: 3 rows received, 0 inserted, 3 duplicates.\n`, stderr: '' });
  assert.equal((await history(api, company.id)).length, 3);
});

test('a bad row stops the import at its batch, naming the file lines, and nothing of that batch is written', async () => {
  const api = await startTestApp();
  const company = await companyWithProduct(api);
  const file = csvFile(
    'bad.csv',
    'clients_id,products_id,quantity,event_id,note\n' +
      `${company.id},930,5,e-1,\n` +
      `${company.id},930,6,e-2,"a note\nover two lines"\n` +
      `${company.id},930,7,e-3,\n` +
      `999999,930,8,e-4,\n` +
      `${company.id},1,9,e-5,\n`,
  );

  const run = await seatledger(api, ['import', 'quantities', file, '--batch', '3']);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.equal(
    run.stderr,
    'seatledger: bad.csv: 2 row error(s) in the batch from line 6; nothing of that batch was written\n' +
      '  line 6: clients_id: Client 999999 not found\n' +
      '  line 7: products_id: Product 1 not found\n' +
      'Before line 6: 3 rows received, 3 inserted, 0 duplicates. Rows with an event_id are safe to send again.\n',
  );
  assert.deepEqual(
    (await history(api, company.id)).map((row: unknown[]) => row[3]),
    ['e-1', 'e-2', 'e-3'],
  );
});

test('a value the API refuses is reported against its file line', async () => {
  const api = await startTestApp();
  const company = await companyWithProduct(api);
  const file = csvFile('negative.csv', `clients_id,products_id,quantity\n${company.id},930,4\n${company.id},930,-2\n`);

  const run = await seatledger(api, ['import', 'quantities', file]);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    'seatledger: negative.csv: 1 row error(s) in the batch from line 2; nothing of that batch was written\n' +
      '  line 3: quantity: not negative\n' +
      'Nothing was imported.\n',
  );
  assert.deepEqual(await history(api, company.id), []);
});

test('a header naming an unknown column is refused before anything is sent', async () => {
  const api = await startTestApp();
  const company = await companyWithProduct(api);
  const file = csvFile('header.csv', `clients_id,products_id,qty\n${company.id},930,4\n`);

  const run = await seatledger(api, ['import', 'quantities', file]);
  assert.equal(run.code, 1);
  assert.equal(
    run.stderr,
    'seatledger: header.csv: unknown column(s) qty; the header may name clients_id, products_id, quantity, effective_at, event_id, detail, note\n',
  );
  assert.deepEqual(await history(api, company.id), []);
});

test('keys create prints the new key once, and the key works', async () => {
  const api = await startTestApp();
  const run = await seatledger(api, ['keys', 'create', '--name', 'psa-sync']);
  assert.equal(run.code, 0, run.stderr);
  const match = /^API key (\d+) for user 1 \(shown once, store it now\):\n(\S+)\n$/.exec(run.stdout);
  assert.ok(match, run.stdout);
  const key = match[2];
  assert.equal((await api.rest('GET', '/clients', { key })).status, 200);

  const listed = await seatledger(api, ['keys', 'list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(JSON.parse(listed.stdout).items.some((item: { id: number; name: string }) => item.id === Number(match[1]) && item.name === 'psa-sync'));
  assert.ok(!listed.stdout.includes(key));
});

test('users create makes a user limited to a node of the hierarchy', async () => {
  const api = await startTestApp();
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const run = await seatledger(api, ['users', 'create', '--login', 'maria', '--name', 'Maria Lopez', '--email', 'maria@northwind.example', '--reseller', String(distributor.id)]);
  assert.equal(run.code, 0, run.stderr);
  const printed = JSON.parse(run.stdout);
  assert.deepEqual(
    { login: printed.login, name: printed.name, email: printed.email, resellers_id: printed.resellers_id },
    { login: 'maria', name: 'Maria Lopez', email: 'maria@northwind.example', resellers_id: distributor.id },
  );
  assert.deepEqual(await api.call('iam.users.get', { id: printed.id }), printed);
});

test('import tenant replaces a company’s license snapshot from a SKUs file and a users file', async () => {
  const api = await startTestApp();
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id, currency: 'USD' });
  const company = await api.call('clients.create', { kind: 'company', name: 'Contoso Ltd', resellers_id: msp.id });
  const skus = csvFile('skus.csv', 'sku_part_number,name,purchased,assigned,renewal_at,term\r\nSPE_E3,Microsoft 365 E3,5,3,2026-09-01T00:00:00Z,annual\r\n');
  // ada signs in; bob never did and was created long ago; cy is disabled but keeps a license; dee holds none.
  const users = csvFile(
    'users.csv',
    'id,display_name,user_principal_name,enabled,licenses,created_at,last_sign_in_at\r\n' +
      'u1,Ada,ada@contoso.com,true,SPE_E3,2025-01-01T00:00:00Z,2026-03-09T08:00:00Z\r\n' +
      'u2,Bob,bob@contoso.com,TRUE,SPE_E3,2025-01-01T00:00:00Z,\r\n' +
      'u3,"Cy, Jr.",cy@contoso.com,false,SPE_E3,2025-01-01T00:00:00Z,2026-03-09T08:00:00Z\r\n' +
      'u4,Dee,dee@contoso.com,true,,2025-01-01T00:00:00Z,2026-03-09T08:00:00Z\r\n',
  );
  const args = ['import', 'tenant', String(company.id), '--skus', skus, '--users', users, '--domain', 'contoso.com'];
  const first = await seatledger(api, args);
  assert.deepEqual(first, { code: 0, stdout: 'Imported the snapshot of Contoso Ltd: 5 licenses (3 assigned), 4 users, 2 inactive; leakage 0.00 of 0.00 USD a month.\n', stderr: '' });

  const [tenant] = (await api.call('licenses.tenants.search', { clients_id: company.id })).items;
  await api.call('billing.price_books.create', { layer: 'sell', clients_id: msp.id, products_id: tenant.skus[0].products_id, unit_price: '36', effective_at: '2026-01-01T00:00:00Z' });
  const again = await seatledger(api, args);
  // 2 unassigned and 2 held by inactive users, at 36 a month.
  assert.equal(again.stdout, 'Imported the snapshot of Contoso Ltd: 5 licenses (3 assigned), 4 users, 2 inactive; leakage 144.00 of 180.00 USD a month.\n');
  const stored = await api.call('licenses.tenants.get', { id: tenant.id });
  assert.deepEqual([stored.primary_domain, stored.source, stored.skus[0].name, stored.skus[0].inactive_holders], ['contoso.com', 'import', 'Microsoft 365 E3', 2]);
});

test('import tenant names the file, line and column the server refused, and changes nothing', async () => {
  const api = await startTestApp();
  const distributor = await api.call('clients.create', { kind: 'distributor', name: 'Northwind' });
  const msp = await api.call('clients.create', { kind: 'msp', name: 'Best MSP', resellers_id: distributor.id });
  const company = await api.call('clients.create', { kind: 'company', name: 'Contoso Ltd', resellers_id: msp.id });
  const skus = csvFile('bad-skus.csv', 'sku_part_number,purchased,assigned\r\nSPE_E3,5,3\r\n');
  // A blank line does not throw the line numbers off.
  const users = csvFile('bad-users.csv', 'id,enabled,licenses\r\nu1,true,SPE_E3\r\n\r\nu2,maybe,SPE_E3\r\n');
  const refused = await seatledger(api, ['import', 'tenant', String(company.id), '--skus', skus, '--users', users]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`The snapshot was refused and nothing changed:\\n  ${users.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 4, enabled: true or false`));
  assert.equal((await api.call('licenses.tenants.search', { clients_id: company.id })).total, 0);
  const unknownColumn = csvFile('odd-skus.csv', 'sku,purchased,assigned\r\nSPE_E3,5,3\r\n');
  const odd = await seatledger(api, ['import', 'tenant', String(company.id), '--skus', unknownColumn, '--users', users]);
  assert.equal(odd.code, 1);
  assert.match(odd.stderr, /unknown column sku/);
  // An empty file would wipe the snapshot; a column named twice would lose one of its values.
  for (const [name, text, reason] of [
    ['empty-skus.csv', '', /no SKUs in the file/],
    ['header-only-skus.csv', 'sku_part_number,purchased,assigned\r\n', /no SKUs in the file/],
    ['twice-skus.csv', 'sku_part_number,purchased,purchased,assigned\r\nSPE_E3,5,6,3\r\n', /column purchased appears twice/],
  ] as const) {
    const answer = await seatledger(api, ['import', 'tenant', String(company.id), '--skus', csvFile(name, text), '--users', users]);
    assert.equal(answer.code, 1, name);
    assert.match(answer.stderr, reason, name);
  }
  assert.equal((await api.call('licenses.tenants.search', { clients_id: company.id })).total, 0);
});
