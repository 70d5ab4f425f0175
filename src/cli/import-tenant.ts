import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { CliError, type ApiClient } from './api-client.ts';

// A license snapshot from two CSV files, for providers other than Microsoft Graph or a tenant the MSP
// exports by hand: one row per SKU, one row per user.

/** The columns of the SKUs file; the first three are required. */
export const SKU_COLUMNS = ['sku_part_number', 'purchased', 'assigned', 'name', 'sku_id', 'renewal_at', 'term'] as const;
/** The columns of the users file; the first two are required. `licenses` lists SKU part numbers, separated by ; or +. */
export const USER_COLUMNS = ['id', 'enabled', 'display_name', 'user_principal_name', 'licenses', 'created_at', 'last_sign_in_at'] as const;

function readCsv(file: string, columns: readonly string[], required: number): Array<{ line: number; record: Record<string, string> }> {
  let records: Record<string, string>[];
  try {
    records = parse(readFileSync(file), { columns: true, bom: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new CliError(`${file}: ${(error as Error).message}`);
  }
  const header = records.length ? Object.keys(records[0]) : [];
  const unknown = header.filter((column) => !columns.includes(column));
  if (unknown.length) throw new CliError(`${file}: unknown column ${unknown.join(', ')} (columns: ${columns.join(',')})`);
  const missing = columns.slice(0, required).filter((column) => records.length && !header.includes(column));
  if (missing.length) throw new CliError(`${file}: missing column ${missing.join(', ')}`);
  // Line 1 is the header.
  return records.map((record, index) => ({ line: index + 2, record }));
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
function locate(path: string, files: { skus: string; users: string }): string {
  const match = /^(skus|users)\.(\d+)\.?(.*)$/.exec(path);
  if (!match) return path;
  return `${match[1] === 'skus' ? files.skus : files.users} line ${Number(match[2]) + 2}${match[3] ? `, ${match[3]}` : ''}`;
}

/** Sends a company's snapshot made from a SKUs file and a users file; answers the tenant as it now stands. */
export async function importTenantFiles(api: ApiClient, clientsId: number, files: { skus: string; users: string }, options: { domain?: string } = {}) {
  const skus = readCsv(files.skus, SKU_COLUMNS, 3).map(({ record }) => skuRow(record));
  const users = readCsv(files.users, USER_COLUMNS, 2).map(({ record }) => userRow(record));
  try {
    return await api.call('licenses.tenants.import_snapshot', { clients_id: clientsId, ...(options.domain && { primary_domain: options.domain }), skus, users });
  } catch (error) {
    const issues = error instanceof CliError ? (error.data as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues : undefined;
    if (!issues?.length) throw error;
    throw new CliError(`The snapshot was refused and nothing changed:\n${issues.map((issue) => `  ${locate(issue.path, files)}: ${issue.message}`).join('\n')}`);
  }
}
