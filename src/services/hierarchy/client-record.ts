import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { clients, currencies } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import type { ClientRow } from '../scope.ts';

export type ClientKind = ClientRow['kind'];

/** Which kind of node may sit under which: distributors at the top, then MSPs, then managed companies. */
export const PARENT_KIND: Record<ClientKind, ClientKind | null> = { distributor: null, msp: 'distributor', company: 'msp' };

/** A client as the native API shows it; money is an exact decimal string. */
export function presentClient(row: ClientRow, currencyCode: string) {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    resellers_id: row.resellersId,
    status: row.status,
    email: row.email,
    country: row.country,
    credit: row.credit,
    balance: row.balance,
    tax_rate: row.taxRate,
    billing_time_zone: row.billingTimeZone,
    currencies_id: row.currenciesId,
    currency: currencyCode,
    sfdc_account_id: row.sfdcAccountId,
    vendor_internal_id: row.vendorInternalId,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    archived_at: row.archivedAt,
  };
}

export type PresentedClient = ReturnType<typeof presentClient>;

export async function currencyCodeOf(executor: Executor, currenciesId: number): Promise<string> {
  const [row] = await executor.select({ code: currencies.code }).from(currencies).where(eq(currencies.id, currenciesId));
  return row.code;
}

/** Resolves a currency given as `currencies_id` or as an ISO code. */
export async function resolveCurrencyId(executor: Executor, input: { currencies_id?: number; currency?: string }): Promise<number | undefined> {
  if (input.currencies_id !== undefined) {
    const [row] = await executor.select({ id: currencies.id }).from(currencies).where(eq(currencies.id, input.currencies_id));
    if (!row) throw invalid(`Unknown currencies_id ${input.currencies_id}`);
    if (input.currency !== undefined && (await currencyCodeOf(executor, row.id)) !== input.currency.toUpperCase()) {
      throw invalid('currency and currencies_id disagree');
    }
    return row.id;
  }
  if (input.currency !== undefined) {
    const [row] = await executor.select({ id: currencies.id }).from(currencies).where(eq(currencies.code, input.currency.toUpperCase()));
    if (!row) throw invalid(`Unknown currency ${input.currency}`);
    return row.id;
  }
  return undefined;
}

export const clientColumns = clients;
