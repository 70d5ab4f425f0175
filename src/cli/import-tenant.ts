import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { CliError, type ApiClient } from './api-client.ts';

// A license snapshot from two CSV files, for providers other than Microsoft Graph or a tenant the MSP
// exports by hand: one row per SKU, one row per user.

/** The columns of the SKUs file; the first three are required. */
export const SKU_COLUMNS = ['sku_part_number', 'purchased', 'assigned', 'name', 'sku_id', 'renewal_at', 'term'] as const;
/** The columns of the users file; the first two are required. `licenses` lists SKU part numbers, separated by ; or +. */
export const USER_COLUMNS = ['id', 'enabled', 'display_name', 'user_principal_name', 'licenses', 'created_at', 'last_sign_in_at'] as const;

function readCsv(file: string, columns: readonly string[], required: number, what: string): Array<{ line: number; record: Record<string, string> }> {
  const checkHeader = (header: string[]) => {
    const names = header.map((name) => name.trim());
    const unknown = names.filter((column) => !columns.includes(column));
    if (unknown.length) throw new CliError(`${file}: unknown column ${unknown.join(', ')} (columns: ${columns.join(',')})`);
    const repeated = names.filter((column, index) => names.indexOf(column) !== index);
    if (repeated.length) throw new CliError(`${file}: column ${repeated.join(', ')} appears twice`);
    const missing = columns.slice(0, required).filter((column) => !names.includes(column));
    if (missing.length) throw new CliError(`${file}: missing column ${missing.join(', ')}`);
    return names;
  };
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parse(readFileSync(file), { columns: checkHeader, bom: true, skip_empty_lines: true, trim: true, info: true });
  } catch (error) {
    throw error instanceof CliError ? error : new CliError(`${file}: ${(error as Error).message}`);
  }
  // A snapshot replaces the tenant's: an empty file would wipe it (and zero its seats in the ledger).
  if (rows.length === 0) throw new CliError(`${file}: no ${what} in the file; a snapshot replaces the tenant's, so an empty one is refused`);
  return rows.map(({ record, info }) => ({ line: info.lines, record }));
}

// Counts go as numbers when they are whole; anything else is sent as written so the server says what is wrong.
const countOrText = (value: string): number | string => (/^\d{1,15}$/.test(value) ? Number(value) : value);
const optional = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

function skuRow(record: Record<string, string>) {
  return {
    sku_part_number: record.sku_part_number,
    purchased: countOrText(record.purchased),
    assigned: countOrText(record.assigned),
    ...(optional(record.name) !== null && { name: record.name }),
    ...(optional(record.sku_id) !== null && { sku_id: record.sku_id }),
    ...(record.renewal_at !== undefined && { renewal_at: optional(record.renewal_at) }),
    ...(record.term !== undefined && { term: optional(record.term) }),
  };
}

function userRow(record: Record<string, string>) {
  return {
    id: record.id,
    enabled: record.enabled.toLowerCase(),
    ...(optional(record.display_name) !== null && { display_name: record.display_name }),
    ...(optional(record.user_principal_name) !== null && { user_principal_name: record.user_principal_name }),
    licenses: (record.licenses ?? '').split(/[;+]/).map((part) => part.trim()).filter(Boolean),
    ...(record.created_at !== undefined && { created_at: optional(record.created_at) }),
    // An empty last sign-in is a user who never signed in.
    ...(record.last_sign_in_at !== undefined && { last_sign_in_at: optional(record.last_sign_in_at) }),
  };
}

/** What a rejected snapshot's issue path (`users.3.enabled`) means in the files: file, line and column. */
function locate(path: string, files: { skus: string; users: string }, lines: { skus: number[]; users: number[] }): string {
  const match = /^(skus|users)\.(\d+)\.?(.*)$/.exec(path);
  if (!match) return path;
  const which = match[1] as 'skus' | 'users';
  return `${files[which]} line ${lines[which][Number(match[2])] ?? '?'}${match[3] ? `, ${match[3]}` : ''}`;
}

/** Sends a company's snapshot made from a SKUs file and a users file; answers the tenant as it now stands. */
export async function importTenantFiles(api: ApiClient, clientsId: number, files: { skus: string; users: string }, options: { domain?: string } = {}) {
  const skuRows = readCsv(files.skus, SKU_COLUMNS, 3, 'SKUs');
  const userRows = readCsv(files.users, USER_COLUMNS, 2, 'users');
  const lines = { skus: skuRows.map((row) => row.line), users: userRows.map((row) => row.line) };
  const skus = skuRows.map(({ record }) => skuRow(record));
  const users = userRows.map(({ record }) => userRow(record));
  try {
    return await api.call('licenses.tenants.import_snapshot', { clients_id: clientsId, ...(options.domain && { primary_domain: options.domain }), skus, users });
  } catch (error) {
    const issues = error instanceof CliError ? (error.data as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues : undefined;
    if (!issues?.length) throw error;
    throw new CliError(`The snapshot was refused and nothing changed:\n${issues.map((issue) => `  ${locate(issue.path, files, lines)}: ${issue.message}`).join('\n')}`);
  }
}
