import type { Context } from '../context.ts';
import { invitationRefusal } from './accept-invitation.ts';
import { findInvitation, type FoundInvitation } from './invitation.ts';

/** What the activation page shows for a link that can still be used; a used, expired or unknown link is refused. */
export async function getInvitation(ctx: Context, token: string): Promise<{ name: string; email: string; expiresAt: Date }> {
  const found = await findInvitation(ctx.db.orm, token, ctx.now());
  const refusal = invitationRefusal(found);
  if (refusal) throw refusal;
  const { invitation, client } = found as Required<FoundInvitation>;
  return { name: client.name, email: invitation.email, expiresAt: invitation.expiresAt };
}
