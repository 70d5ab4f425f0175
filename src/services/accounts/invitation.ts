import { createHash, randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { accounts, clients, invitations } from '../../db/schema.ts';

/** How long an invitation link works (keeper-vendor.md). */
export const INVITATION_DAYS = 30;

/** A fresh invitation token (32 random bytes, base64url) and the hash that is all the database keeps. */
export function newInvitationToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashInvitationToken(token) };
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function activationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/activate/${token}`;
}

export function invitationMail(input: { name: string; distributorName: string; link: string; expiresAt: Date }): { subject: string; text: string } {
  return {
    // A name is the distributor's input: no line breaks may reach a mail header.
    subject: `Activate your MSP account ${input.name}`.replace(/[\x00-\x1F\x7F]+/g, ' '),
    text: [
      'Hello,',
      '',
      `${input.distributorName} has created the MSP account "${input.name}" for you.`,
      'To activate it and start your 14-day trial, set an administrator password and confirm your',
      'region and product type at this address:',
      '',
      input.link,
      '',
      `The link works once and expires on ${input.expiresAt.toISOString().slice(0, 10)}.`,
      '',
    ].join('\n'),
  };
}

export type InvitationState = 'valid' | 'unknown' | 'used' | 'expired' | 'not pending';

export interface FoundInvitation {
  state: InvitationState;
  invitation?: typeof invitations.$inferSelect;
  account?: typeof accounts.$inferSelect;
  client?: typeof clients.$inferSelect;
}

/** The invitation behind a token, and whether it can still be accepted at `now`. */
export async function findInvitation(executor: Executor, token: string, now: Date, options: { forUpdate?: boolean } = {}): Promise<FoundInvitation> {
  const query = executor
    .select({ invitation: invitations, account: accounts, client: clients })
    .from(invitations)
    .innerJoin(accounts, eq(accounts.clientsId, invitations.clientsId))
    .innerJoin(clients, eq(clients.id, invitations.clientsId))
    .where(and(eq(invitations.tokenHash, hashInvitationToken(token))));
  const [row] = options.forUpdate ? await query.for('update', { of: [invitations, accounts] }) : await query;
  if (!row) return { state: 'unknown' };
  const state: InvitationState = row.invitation.usedAt
    ? 'used'
    : row.invitation.expiresAt <= now
      ? 'expired'
      : row.account.status !== 'PENDING' || row.client.status === 'deleted'
        ? 'not pending'
        : 'valid';
  return { state, ...row };
}
