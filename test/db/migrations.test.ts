import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import type { Database } from '../../src/db/connection.ts';
import { migrate, readMigrations, type MigrationFile } from '../../src/db/migrate.ts';
import { readClosedStatement } from '../../src/services/statements/statement-lines.ts';
import { closeTemplate, createTestDatabase, engine, type TestDatabase } from '../support/database.ts';

const opened: TestDatabase[] = [];
after(async () => {
  for (const database of opened.splice(0)) await database.close();
  await closeTemplate();
});

async function freshDatabase(options: { migrated: boolean }): Promise<TestDatabase> {
  const database = await createTestDatabase(options);
  opened.push(database);
  return database;
}

/** A database migrated up to, not including, the named migration; `files` are all of them, to finish the upgrade. */
async function databaseBefore(name: string): Promise<{ db: Database; files: MigrationFile[] }> {
  const { db } = await freshDatabase({ migrated: false });
  const files = readMigrations();
  const upgrade = files.findIndex((file) => file.name === name);
  assert.ok(upgrade > 0, `${name} is one of the migrations`);
  await migrate(db, files.slice(0, upgrade));
  return { db, files };
}

const rows = <Row>(db: Database, text: string, params?: unknown[]) => db.withConnection((connection) => connection.query<Row>(text, params));

function migrationFile(name: string, sql: string): MigrationFile {
  return { name, sql, sha256: createHash('sha256').update(sql).digest('hex') };
}

test('a fresh database gets every migration file once, in name order, each recorded with its sha256', async () => {
  const { db } = await freshDatabase({ migrated: false });
  const files = readMigrations();
  assert.ok(files.length > 0);

  const applied = await migrate(db);

  assert.deepEqual(applied, files.map((file) => file.name).sort());
  const recorded = await rows<{ name: string; sha256: string }>(db, 'SELECT name, sha256 FROM schema_migrations ORDER BY name');
  assert.deepEqual(
    recorded,
    files.map((file) => ({ name: file.name, sha256: createHash('sha256').update(file.sql).digest('hex') })),
  );
});

test('migrating an up-to-date database applies nothing', async () => {
  const { db } = await freshDatabase({ migrated: false });
  await migrate(db);
  const before = await rows(db, 'SELECT name, sha256, applied_at FROM schema_migrations ORDER BY name');

  assert.deepEqual(await migrate(db), []);
  assert.deepEqual(await rows(db, 'SELECT name, sha256, applied_at FROM schema_migrations ORDER BY name'), before);
});

test('a migration edited after it was applied stops the start with an error naming the file', async () => {
  const { db } = await freshDatabase({ migrated: true });
  const [first, ...rest] = readMigrations();
  const edited = [migrationFile(first.name, `${first.sql}\n-- a later edit\n`), ...rest];

  await assert.rejects(migrate(db, edited), (error: Error) => {
    assert.match(error.message, new RegExp(`^Migration ${first.name.replace('.', '\\.')} was edited after it was applied`));
    assert.match(error.message, /Add a new migration instead\.$/);
    return true;
  });
  const [recorded] = await rows<{ sha256: string }>(db, 'SELECT sha256 FROM schema_migrations WHERE name = $1', [first.name]);
  assert.equal(recorded.sha256, first.sha256);
});

test('a failing migration leaves no table behind and is not recorded as applied', async () => {
  const { db } = await freshDatabase({ migrated: true });
  const broken = migrationFile(
    '9999_broken.sql',
    `CREATE TABLE half_done (id integer PRIMARY KEY);
     INSERT INTO half_done VALUES (1);
     ALTER TABLE half_done ADD COLUMN total numeric NOT NULL DEFAULT 'not a number';`,
  );

  await assert.rejects(migrate(db, [...readMigrations(), broken]), /^Error: Migration 9999_broken\.sql failed: /);
  const [table] = await rows<{ found: string | null }>(db, `SELECT to_regclass('half_done')::text AS found`);
  assert.equal(table.found, null);
  assert.deepEqual(await rows(db, `SELECT name FROM schema_migrations WHERE name = '9999_broken.sql'`), []);
  assert.deepEqual(await migrate(db), [], 'the database is still usable and up to date');
});

test(
  'four instances starting together on an empty database: exactly one applies the migrations, none fails',
  { skip: engine !== 'postgres' && 'needs PostgreSQL' },
  async () => {
    const database = await freshDatabase({ migrated: false });
    const instances = [database.db, await database.openAnother(), await database.openAnother(), await database.openAnother()];

    const results = await Promise.all(instances.map((instance) => migrate(instance)));

    const names = readMigrations().map((file) => file.name);
    assert.deepEqual(
      results.filter((applied) => applied.length > 0),
      [names],
    );
    assert.equal(results.filter((applied) => applied.length === 0).length, 3);
    const [count] = await rows<{ applied: number }>(database.db, 'SELECT count(*)::int AS applied FROM schema_migrations');
    assert.equal(count.applied, names.length);
  },
);

test('upgrading past 0012 keeps open seat alerts matching their rule: their subjects name the change', async () => {
  const { db, files } = await databaseBefore('0012_seat_alert_subjects.sql');
  await rows(db, `INSERT INTO clients (id, kind, name, path, currencies_id, created_at, updated_at) VALUES (7, 'msp', 'Best MSP', '/7/', (SELECT min(id) FROM currencies), now(), now())`);
  const alert = (publicId: string, type: string, subject: string, status: string, data: object) =>
    rows(db, `INSERT INTO alerts (public_id, clients_id, type, subject, severity, title, message, status, data, created_at, updated_at) VALUES ($1, 7, $2, $3, 'info', 't', 'm', $4, $5::jsonb, now(), now())`, [publicId, type, subject, status, JSON.stringify(data)]);
  await alert('alt_1', 'seat_increase', 'SPE_E3', 'unread', { sku_part_number: 'SPE_E3', from: 45, to: 48 });
  await alert('alt_2', 'seat_decrease', 'EMS', 'dismissed', { sku_part_number: 'EMS', from: 9, to: 4 });
  await alert('alt_3', 'seat_increase', 'SPB', 'resolved', { sku_part_number: 'SPB', from: 1, to: 2 });
  await alert('alt_4', 'renewal_due', 'SPE_E3:2026-06-05:warning', 'unread', {});
  await migrate(db, files);
  const subjects = await rows<{ public_id: string; subject: string }>(db, 'SELECT public_id, subject FROM alerts ORDER BY public_id');
  assert.deepEqual(subjects, [
    { public_id: 'alt_1', subject: 'SPE_E3:45:48' },
    { public_id: 'alt_2', subject: 'EMS:9:4' },
    { public_id: 'alt_3', subject: 'SPB' },
    { public_id: 'alt_4', subject: 'SPE_E3:2026-06-05:warning' },
  ]);
});

test('upgrading past 0013 turns each closed statement body into statement lines that read back as the same statement', async () => {
  const { db, files } = await databaseBefore('0013_statement_lines.sql');
  const currency = `(SELECT min(id) FROM currencies)`;
  await rows(db, `INSERT INTO clients (id, kind, name, path, currencies_id, billing_time_zone, created_at, updated_at) VALUES (7, 'msp', 'Best MSP', '/7/', ${currency}, 'America/New_York', now(), now())`);
  // March 2026 in New York lasts 31 days less the hour lost to DST; February 28 days.
  const march = { start: '2026-03-01T05:00:00.000Z', end: '2026-04-01T04:00:00.000Z' };
  const body = {
    mcItems: [
      {
        companyId: 8,
        companyName: 'Cowboys',
        total: '13.03',
        lines: [
          {
            productId: 930, productName: 'BreachWatch', productKind: 'addon', catalogOrder: 20, billingUnit: 'user',
            quantity: '12', unitPrice: '1', avgMonthlyCost: '12',
            breakdown: [{ from: march.start, to: march.end, quantity: '12', fraction: '1' }],
            details: [{ detail: 'alice@cowboys.test', quantity: '12' }],
          },
          {
            productId: 930, productName: 'BreachWatch (adjustment 2026-02)', productKind: 'addon', catalogOrder: 20, billingUnit: 'user',
            quantity: '1', unitPrice: '1.03', avgMonthlyCost: '1.03',
            breakdown: [{ from: '2026-02-15T05:00:00.000Z', to: '2026-03-01T05:00:00.000Z', quantity: '2', fraction: '0.5' }],
            adjusts: { month: '2026-02', productName: 'BreachWatch', billed: '10', rerated: '11.03', previouslyAdjusted: '0' },
          },
        ],
      },
    ],
    mspItem: {
      companyId: 7,
      companyName: 'Best MSP',
      total: '64',
      lines: [
        {
          productId: 730, productName: 'Dedicated Service', productKind: 'service', catalogOrder: 90, billingUnit: null,
          quantity: '1', unitPrice: '64', avgMonthlyCost: '64', breakdown: [],
        },
      ],
    },
    subTotal: '77.03', taxRate: '0.1', tax: '7.7', total: '84.73',
  };
  await rows(
    db,
    `INSERT INTO statements (clients_id, year, month, currency, period_start, period_end, sub_total, tax, total, body, closed_at)
     VALUES (7, 2026, 3, 'USD', $1, $2, 77.03, 7.70, 84.73, $3::jsonb, '2026-04-04T04:00:00Z')`,
    [march.start, march.end, JSON.stringify(body)],
  );
  await migrate(db, files);

  const [header] = await rows<{ id: number; client_name: string; tax_rate: string }>(db, 'SELECT id::int AS id, client_name, tax_rate::text AS tax_rate FROM statements');
  assert.deepEqual([header.client_name, header.tax_rate], ['Best MSP', '0.100000']);
  const statement = await readClosedStatement(db.orm, { id: header.id, clientsId: 7, clientName: header.client_name, taxRate: header.tax_rate, subTotal: '77.03', tax: '7.70', total: '84.73' });
  const shown = (value: unknown) => JSON.parse(JSON.stringify(value));
  assert.deepEqual(shown(statement), {
    mcItems: [
      {
        companyId: 8,
        companyName: 'Cowboys',
        total: '13.03',
        lines: [
          { ...body.mcItems[0].lines[0], breakdown: [{ ...body.mcItems[0].lines[0].breakdown[0], fraction: '1' }] },
          body.mcItems[0].lines[1],
        ],
      },
    ],
    mspItem: body.mspItem,
    subTotal: '77.03',
    taxRate: '0.1',
    tax: '7.7',
    total: '84.73',
  });
  // The adjustment's interval keeps its share of February (14 of 28 days), not of March.
  assert.equal(statement.mcItems[0].lines[1].breakdown[0].fraction.toFixed(), '0.5');
  const [{ columns }] = await rows<{ columns: number }>(db, `SELECT count(*)::int AS columns FROM information_schema.columns WHERE table_name = 'statements' AND column_name = 'body'`);
  assert.equal(columns, 0);
});
