import { and, eq, ne, notInArray, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { accounts, clients } from '../../db/schema.ts';
import { notFound } from '../../api/errors.ts';
import { scheduledEvent, type AccountState } from '../../domain/lifecycle.ts';
import type { Context } from '../context.ts';
import { accountsWithinScope, type ClientRow } from '../scope.ts';

export type AccountRow = typeof accounts.$inferSelect;

/** Statuses after which an account no longer exists for the distributor: removed or purged. */
export const ENDED_STATUSES = ['REMOVED', 'PURGED'] as const;

/** The product type the invitation expects; `enterprise` or `consumer` is a PRODUCT_CONFLICT. */
export const EXPECTED_PRODUCT_TYPE = 'msp';

export function accountState(row: AccountRow): AccountState {
  return {
    status: row.status,
    createdAt: row.createdAt,
    trialExpiresAt: row.trialExpiresAt,
    expirationDate: row.expirationDate,
    expiredAt: row.expiredAt,
    everPaid: row.everPaid,
    accountRegion: row.accountRegion,
    productType: row.productType,
    endedAt: row.endedAt,
  };
}

/** The columns a state writes, with when its next time-driven event falls due. */
export function accountColumns(state: AccountState) {
  return {
    status: state.status,
    trialExpiresAt: state.trialExpiresAt,
    expirationDate: state.expirationDate,
    expiredAt: state.expiredAt,
    everPaid: state.everPaid,
    accountRegion: state.accountRegion,
    productType: state.productType,
    endedAt: state.endedAt,
    dueAt: scheduledEvent(state)?.at ?? null,
  };
}

/** How a caller names an account: the distributor's own id for it, or the MSP's client id. */
export type AccountReference = { vendorInternalId: string } | { clientsId: number; label?: string };

function describe(reference: AccountReference): string {
  return 'vendorInternalId' in reference ? `vendorInternalId "${reference.vendorInternalId}"` : (reference.label ?? `client ${reference.clientsId}`);
}

export interface LoadedAccount {
  account: AccountRow;
  client: ClientRow;
}

/** An account the caller may see and that still exists; one outside the subtree answers as a missing one. */
export async function loadAccountInScope(executor: Executor, ctx: Context, reference: AccountReference): Promise<LoadedAccount> {
  const filters: Array<SQL | undefined> = [
    accountsWithinScope(ctx, clients.path, accounts.vendor),
    ne(clients.status, 'deleted'),
    notInArray(accounts.status, [...ENDED_STATUSES]),
    'vendorInternalId' in reference ? eq(clients.vendorInternalId, reference.vendorInternalId) : eq(clients.id, reference.clientsId),
  ];
  const [row] = await executor
    .select({ account: accounts, client: clients })
    .from(accounts)
    .innerJoin(clients, eq(clients.id, accounts.clientsId))
    .where(and(...filters))
    .orderBy(accounts.clientsId)
    .limit(1);
  if (!row) throw notFound(`Account with ${describe(reference)}`);
  return row;
}

/** An account as the services answer it: the client's own fields beside the lifecycle's. */
export function presentAccount({ account, client }: LoadedAccount) {
  return {
    clients_id: client.id,
    distributors_id: account.distributorsId,
    vendor: account.vendor,
    vendor_internal_id: client.vendorInternalId,
    name: client.name,
    email: client.email,
    country: client.country,
    status: account.status,
    created_at: account.createdAt,
    trial_expires_at: account.trialExpiresAt,
    expiration_date: account.expirationDate,
    expired_at: account.expiredAt,
    account_region: account.accountRegion,
    product_type: account.productType,
  };
}

export type PresentedAccount = ReturnType<typeof presentAccount>;
