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
