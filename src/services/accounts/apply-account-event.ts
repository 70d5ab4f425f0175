import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { accounts, accountStatusHistory, clients, purgeRecords } from '../../db/schema.ts';
import { notFound, unprocessable } from '../../api/errors.ts';
import { applyTransition, type AccountState, type AccountStatus, type LifecycleEvent } from '../../domain/lifecycle.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { announceCredentialChange } from '../iam/credential-events.ts';
import { accountColumns, accountState, loadAccountInScope, type AccountReference } from './account-record.ts';
import { purgeClientTree } from './purge-client-tree.ts';

export const ACCOUNT_STATUS_CHANGED = 'account.status_changed';

export interface AppliedTransition {
  clientsId: number;
  vendorInternalId: string | null;
  from: AccountStatus;
  to: AccountStatus;
  /** When the account entered its new status (a trial or term ends at its end date, even if noticed later). */
  at: Date;
  state: AccountState;
}

/** The `account.status_changed` event for webhooks, queued in the transaction of the change. */
export async function queueStatusChanged(executor: Executor, ctx: Context, change: { clientsId: number; vendorInternalId: string | null; from: AccountStatus | null; to: AccountStatus; at: Date }): Promise<void> {
  await ctx.enqueue(executor, {
    kind: 'event',
    payload: {
      type: ACCOUNT_STATUS_CHANGED,
      clients_id: change.clientsId,
      data: { clients_id: change.clientsId, vendor_internal_id: change.vendorInternalId, from: change.from, to: change.to, at: change.at.toISOString() },
    },
  });
}

/**
 * Applies a lifecycle event to an MSP's account in the caller's transaction: locks the account row,
 * asks the domain, then writes the new state, the status history, the audit row and the event, and
 * purges or removes the MSP's data when the account ends. A refused event throws `InvalidTransition`
 * and changes nothing; a second application of a time-driven event is refused the same way, so two
 * instances never apply it twice. `afterCommit` announces credentials that went away with a purge.
 */
export async function transitionAccount(executor: Executor, ctx: Context, clientsId: number, event: LifecycleEvent): Promise<{ transition: AppliedTransition; afterCommit: Array<() => void> }> {
  const [found] = await executor
    .select({ account: accounts, client: clients })
    .from(accounts)
    .innerJoin(clients, eq(clients.id, accounts.clientsId))
    .where(eq(accounts.clientsId, clientsId))
    .for('update', { of: accounts });
  if (!found) throw notFound(`Account of client ${clientsId}`);
  const { account, client } = found;
  const before = accountState(account);
  const result = applyTransition(before, event);
  if (!result.ok) throw unprocessable('InvalidTransition', result.reason, { status: before.status });
  const at = result.to === 'EXPIRED' && result.value.expiredAt ? result.value.expiredAt : event.now;
  const now = ctx.now();
  const afterCommit: Array<() => void> = [];
  if (result.to === 'PURGED') {
    const purged = await purgeClientTree(executor, client);
    await executor.insert(purgeRecords).values({
      clientsId,
      distributorsId: account.distributorsId,
      vendorInternalId: client.vendorInternalId,
      expiredAt: before.expiredAt,
      purgedAt: now,
      deleted: purged.deleted,
    });
    for (const usersId of purged.usersIds) afterCommit.push(await announceCredentialChange(executor, `user:${usersId}`));
  } else {
    await executor.update(accounts).set({ ...accountColumns(result.value), updatedAt: now }).where(eq(accounts.clientsId, clientsId));
    await executor.insert(accountStatusHistory).values({ clientsId, status: result.to, at });
    if (result.to === 'REMOVED') {
      await executor
        .update(clients)
        .set({ status: 'deleted', deletedAt: now, updatedAt: now })
        .where(sql`${clients.path} LIKE ${client.path + '%'} AND ${clients.status} <> 'deleted'`);
    }
  }
  await recordAudit(executor, ctx, {
    action: 'status_changed',
    entity: 'account',
    entityId: clientsId,
    scopePath: client.path,
    data: { event: event.type, from: result.from, to: result.to, at: at.toISOString() },
  });
  const transition = { clientsId, vendorInternalId: client.vendorInternalId, from: result.from, to: result.to, at, state: result.value };
  await queueStatusChanged(executor, ctx, transition);
  return { transition, afterCommit };
}

/** Applies a lifecycle event to an account the caller may see, in one transaction. */
export async function applyAccountEvent(ctx: Context, reference: AccountReference, event: LifecycleEvent): Promise<AppliedTransition> {
  const { transition, afterCommit } = await ctx.db.orm.transaction(async (tx) => {
    const { account } = await loadAccountInScope(tx, ctx, reference);
    return transitionAccount(tx, ctx, account.clientsId, event);
  });
  for (const announce of afterCommit) announce();
  return transition;
}
