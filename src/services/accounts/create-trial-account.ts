import { and, eq, ne } from 'drizzle-orm';
import type { Orm, Tx } from '../../db/connection.ts';
import { accounts, accountStatusHistory, clients, invitations, vendorCredentials } from '../../db/schema.ts';
import { conflict, unauthorized } from '../../api/errors.ts';
import { createAccount } from '../../domain/lifecycle.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { createClient } from '../hierarchy/create-client.ts';
import { queueMail } from '../mail/queue-mail.ts';
import { loadClientInScope, requirePrincipal } from '../scope.ts';
import { accountColumns } from './account-record.ts';
import { queueStatusChanged } from './apply-account-event.ts';
import { activationLink, INVITATION_DAYS, invitationMail, newInvitationToken } from './invitation.ts';

export interface CreateTrialAccountInput {
  vendorInternalId: string;
  name: string;
  email: string;
  country: string;
  /** What else the distributor sent (names, address, phone, partnerId …), kept with the account. */
  details: Record<string, unknown>;
}

/** A context whose services run inside an open transaction (their own transactions become savepoints). */
function insideTransaction(ctx: Context, tx: Tx): Context {
  return { ...ctx, db: { ...ctx.db, orm: tx as unknown as Orm } };
}

/**
 * Creates an MSP under the calling credential's distributor with a PENDING account, and queues the
 * invitation mail in the same transaction. A vendorInternalId already used under the distributor is a conflict.
 */
export async function createTrialAccount(ctx: Context, input: CreateTrialAccountInput, links: { publicUrl: string }) {
  const principal = requirePrincipal(ctx);
  return ctx.db.orm.transaction(async (tx) => {
    // The distributor and vendor are the calling credential's: the face acts as the credential's user.
    const [credential] = await tx
      .select()
      .from(vendorCredentials)
      .where(and(eq(vendorCredentials.usersId, principal.usersId), eq(vendorCredentials.status, 'active')));
    if (!credential) throw unauthorized('Trial accounts are created with a vendor credential');
    const distributor = await loadClientInScope(tx, ctx, credential.distributorsId);
    const [taken] = await tx
      .select({ id: clients.id })
      .from(clients)
      .where(and(eq(clients.resellersId, distributor.id), eq(clients.vendorInternalId, input.vendorInternalId), ne(clients.status, 'deleted')));
    if (taken) throw conflict(`An account with vendorInternalId "${input.vendorInternalId}" already exists`);
    // The same use case as clients.create, so an MSP made here is like any other.
    const msp = await createClient(insideTransaction(ctx, tx), {
      kind: 'msp',
      name: input.name,
      resellers_id: distributor.id,
      email: input.email,
      country: input.country,
      vendor_internal_id: input.vendorInternalId,
    });
    const now = ctx.now();
    const state = createAccount(now);
    await tx.insert(accounts).values({
      clientsId: msp.id,
      distributorsId: distributor.id,
      vendor: credential.vendor,
      createdAt: now,
      ...accountColumns(state),
      details: input.details,
      updatedAt: now,
    });
    await tx.insert(accountStatusHistory).values({ clientsId: msp.id, status: state.status, at: now });
    const { token, hash } = newInvitationToken();
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
    await tx.insert(invitations).values({ clientsId: msp.id, tokenHash: hash, email: input.email, createdAt: now, expiresAt });
    await queueMail(tx, ctx, {
      clientsId: msp.id,
      to: input.email,
      ...invitationMail({ name: input.name, distributorName: distributor.name, link: activationLink(links.publicUrl, token), expiresAt }),
    });
    await recordAudit(tx, ctx, {
      action: 'create',
      entity: 'account',
      entityId: msp.id,
      scopePath: `${distributor.path}${msp.id}/`,
      data: { vendor: credential.vendor, vendor_internal_id: input.vendorInternalId, status: state.status },
    });
    await queueStatusChanged(tx, ctx, { clientsId: msp.id, vendorInternalId: input.vendorInternalId, from: null, to: state.status, at: now });
    return { clients_id: msp.id, status: state.status };
  });
}
