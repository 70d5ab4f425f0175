import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadDemoData } from '../services/demo/demo-data.ts';
import { ApiClient, CliError } from './api-client.ts';
import { describeImportError, importQuantitiesFile, ImportRowsError, MAX_BATCH, QUANTITY_COLUMNS } from './import-quantities.ts';
import { importTenantFiles, SKU_COLUMNS, USER_COLUMNS } from './import-tenant.ts';

const program = new Command('seatledger')
  .description('Seatledger: the billing and license ledger for distributors, MSPs and managed companies')
  .version(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version)
  .addOption(new Option('--url <url>', 'server URL').env('SEATLEDGER_URL').default('http://localhost:3080'))
  .addOption(new Option('--key <key>', 'API key').env('SEATLEDGER_KEY'));

const client = () => {
  const { url, key } = program.opts<{ url: string; key?: string }>();
  return new ApiClient(url, key);
};
const print = (value: unknown): void => void process.stdout.write(JSON.stringify(value, null, 2) + "\n");

program
  .command('serve')
  .description('serve the API (PORT, DATA_DIR, DATABASE_URL, … from the environment)')
  .action(async () => {
    const { serve } = await import('../main.ts');
    await serve();
  });

program
  .command('demo')
  .description('load the demo installation into a running server: a distributor, 3 MSPs and 30 companies')
  .action(async () => {
    const api = client();
    const loaded = await loadDemoData((method, params) => api.call(method, params));
    process.stdout.write(`Loaded distributor ${loaded.distributorId}, MSPs ${loaded.mspIds.join(', ')} and ${loaded.companyIds.length} companies.\n`);
  });

const keys = program.command('keys').description('API keys');
keys
  .command('create')
  .description('create an API key; it is printed once')
  .option('--user <id>', 'the user the key belongs to (default: yourself)', Number)
  .option('--name <name>', 'a label for the key')
  .addOption(new Option('--expires-in <lifetime>', 'lifetime').choices(['24h', '7d', '30d', '1y', 'never']))
  .option('--role <role...>', 'roles, e.g. BILLING')
  .addOption(new Option('--access <level>', '1 read, 2 read/write').choices(['1', '2']))
  .action(async (options: { user?: number; name?: string; expiresIn?: string; role?: string[]; access?: string }) => {
    const created = await client().call('iam.api_keys.create', {
      ...(options.user && { users_id: options.user }),
      ...(options.name && { name: options.name }),
      ...(options.expiresIn && { expires_in: options.expiresIn }),
      ...(options.role && { roles: options.role }),
      ...(options.access && { access: Number(options.access) }),
    });
    process.stdout.write(`API key ${created.id} for user ${created.users_id} (shown once, store it now):\n${created.key}\n`);
  });
keys
  .command('list')
  .description('list keys (never the keys themselves)')
  .option('--user <id>', 'only this user’s keys', Number)
  .action(async (options: { user?: number }) => print(await client().call('iam.api_keys.search', options.user ? { users_id: options.user } : {})));
keys
  .command('revoke <id>')
  .description('revoke a key; it fails on its next request')
  .action(async (id: string) => {
    const changed = await client().call('iam.api_keys.revoke', { id: Number(id) });
    process.stdout.write(changed ? `Key ${id} revoked.\n` : `Key ${id} was already revoked.\n`);
  });

const users = program.command('users').description('users');
users
  .command('create')
  .description('create a user, optionally limited to a node of the hierarchy')
  .requiredOption('--login <login>', 'login name')
  .option('--name <name>', 'display name')
  .option('--email <email>', 'email address')
  .option('--reseller <id>', 'limit the user to this client and everything under it', Number)
  .option('--time-zone <zone>', 'IANA time zone for the user’s datetimes')
  .option('--password-stdin', 'read a password (for JWT login) from standard input')
  .action(async (options: { login: string; name?: string; email?: string; reseller?: number; timeZone?: string; passwordStdin?: boolean }) => {
    const password = options.passwordStdin ? readFileSync(0, 'utf8').replace(/\r?\n$/, '') : undefined;
    print(
      await client().call('iam.users.create', {
        login: options.login,
        ...(options.name && { name: options.name }),
        ...(options.email && { email: options.email }),
        ...(options.reseller && { resellers_id: options.reseller }),
        ...(options.timeZone && { time_zone: options.timeZone }),
        ...(password && { password }),
      }),
    );
  });

program
  .command('export')
  .description('export billing data')
  .command('psa')
  .description('write an MSP’s month as a PSA file: per company and service, quantity, price, cost and margin')
  .requiredOption('--msp <id>', 'the MSP (client id)', Number)
  .requiredOption('--month <YYYY-MM>', 'the month')
  .addOption(new Option('--format <format>', 'file format').choices(['connectwise-additions', 'autotask-adjustments', 'csv']).default('csv'))
  .option('--out <file>', 'write to this file instead of standard output')
  .action(async (options: { msp: number; month: string; format: string; out?: string }) => {
    const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(options.month);
    if (!match) throw new CliError('--month must be YYYY-MM');
    const exported = await client().call('psa.export', { clients_id: options.msp, year: Number(match[1]), month: Number(match[2]), format: options.format });
    if (options.out) {
      writeFileSync(options.out, exported.content);
      process.stderr.write(`Wrote ${exported.lines.length} lines to ${options.out} (price ${exported.totals.extended_price}, cost ${exported.totals.extended_cost}, margin ${exported.totals.margin} ${exported.currency}).\n`);
    } else {
      process.stdout.write(exported.content);
    }
  });

const importFiles = program.command('import').description('import data from files');
importFiles
  .command('tenant <company>')
  .description(
    `replace a managed company's license snapshot from CSV files with headers: --skus (${SKU_COLUMNS.join(',')}) and --users (${USER_COLUMNS.join(',')}; licenses separated by ; or +)`,
  )
  .requiredOption('--skus <file>', 'one row per SKU')
  .requiredOption('--users <file>', 'one row per user')
  .option('--domain <domain>', 'the tenant’s primary domain')
  .action(async (company: string, options: { skus: string; users: string; domain?: string }) => {
    if (!/^[1-9]\d{0,15}$/.test(company)) throw new CliError('<company> must be the managed company’s client id');
    const tenant = await importTenantFiles(client(), Number(company), { skus: options.skus, users: options.users }, { domain: options.domain });
    process.stdout.write(
      `Imported the snapshot of ${tenant.display_name}: ${tenant.total_licenses} licenses (${tenant.assigned_licenses} assigned), ${tenant.total_users} users, ` +
        `${tenant.inactive_user_count} inactive; leakage ${tenant.estimated_monthly_leakage} of ${tenant.estimated_monthly_cost} ${tenant.currency} a month.\n`,
    );
  });
importFiles
  .command('quantities <file>')
  .description(`import ledger rows from a CSV file with a header (${QUANTITY_COLUMNS.join(',')}), in all-or-nothing batches`)
  .option('--source <source>', 'where the rows come from, e.g. psa (event_id is unique per source; default: import)')
  .option(
    '--batch <rows>',
    `rows per request, 1–${MAX_BATCH}`,
    (value: string) => {
      const rows = Number(value);
      if (!Number.isInteger(rows) || rows < 1 || rows > MAX_BATCH) throw new CliError(`--batch must be a whole number from 1 to ${MAX_BATCH}`);
      return rows;
    },
    5000,
  )
  .action(async (file: string, options: { source?: string; batch: number }) => {
    const totals = await importQuantitiesFile(client(), file, options);
    process.stdout.write(`Imported ${file}: ${totals.received} rows received, ${totals.inserted} inserted, ${totals.duplicates} duplicates.\n`);
  });

const vendorCredentials = program.command('vendor-credentials').description('distributors’ credentials for the account-management API (HS512 JWT)');
const printSecret = (credential: { id: number; distributors_id: number; vendor: string; consumer_key: string; secret: string }, what: string): void =>
  void process.stdout.write(
    `${what} vendor credential ${credential.id} for distributor ${credential.distributors_id} (vendor "${credential.vendor}").\n` +
      `Consumer key (the JWT iss): ${credential.consumer_key}\nSecret (shown once, store it now):\n${credential.secret}\n`,
  );
vendorCredentials
  .command('create')
  .description('create a credential for a distributor; the secret is printed once')
  .requiredOption('--distributor <id>', 'the distributor (client id)', Number)
  .requiredOption('--vendor <name>', 'the vendor name the distributor sends in the `vendor` header')
  .action(async (options: { distributor: number; vendor: string }) =>
    printSecret(await client().call('iam.vendor_credentials.create', { distributors_id: options.distributor, vendor: options.vendor }), 'Created'),
  );
vendorCredentials
  .command('rotate <id>')
  .description('replace the secret, keeping the consumer key; the new secret is printed once')
  .action(async (id: string) => printSecret(await client().call('iam.vendor_credentials.rotate', { id: Number(id) }), 'Rotated'));
vendorCredentials
  .command('revoke <id>')
  .description('revoke a credential; its next request is refused')
  .action(async (id: string) => {
    const changed = await client().call('iam.vendor_credentials.revoke', { id: Number(id) });
    process.stdout.write(changed ? `Vendor credential ${id} revoked.\n` : `Vendor credential ${id} was already revoked.\n`);
  });
vendorCredentials
  .command('list')
  .description('list credentials (never their secrets)')
  .option('--distributor <id>', 'only this distributor’s credentials', Number)
  .action(async (options: { distributor?: number }) =>
    print(await client().call('iam.vendor_credentials.search', options.distributor ? { distributors_id: options.distributor } : {})),
  );

program
  .command('call <method> [params]')
  .description('call any API method with JSON params, e.g. seatledger call clients.get \'{"id":1001}\'')
  .action(async (method: string, params?: string) => {
    let parsed: Record<string, unknown> = {};
    if (params) {
      try {
        parsed = JSON.parse(params);
      } catch {
        throw new CliError('params must be a JSON object');
      }
    }
    print(await client().call(method, parsed));
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ImportRowsError) {
    process.stderr.write(`seatledger: ${describeImportError(error)}`);
    process.exit(1);
  }
  const message = error instanceof CliError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`seatledger: ${message}\n`);
  if (error instanceof CliError && error.data) process.stderr.write(JSON.stringify(error.data, null, 2) + '\n');
  process.exit(1);
});
