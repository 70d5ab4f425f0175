import { eq } from 'drizzle-orm';
import { invitations, users } from '../../db/schema.ts';
import { AppError, conflict, invalid, notFound, unprocessable } from '../../api/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { AccountStatus } from '../../domain/lifecycle.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { hashPassword } from '../iam/passwords.ts';
import { EXPECTED_PRODUCT_TYPE } from './account-record.ts';
import { transitionAccount } from './apply-account-event.ts';
import { findInvitation, type FoundInvitation } from './invitation.ts';

export const PRODUCT_TYPES = ['msp', 'enterprise', 'consumer'] as const;
export const MINIMUM_PASSWORD_LENGTH = 10;

export interface AcceptInvitationInput {
  token: string;
  password: string;
  region: string;
  productType: string;
}

/** Why a link cannot be used, as the error the activation page shows. */
export function invitationRefusal(found: FoundInvitation): AppError | null {
  switch (found.state) {
    case 'valid':
      return null;
    case 'unknown':
      return notFound('Activation link');
    case 'used':
      return unprocessable('InvitationUsed', 'This activation link has already been used.');
    case 'expired':
      return unprocessable('InvitationExpired', 'This activation link has expired. Ask your distributor for a new invitation.');
    default:
      return unprocessable('InvalidTransition', `This account is ${found.account?.status} and no longer waits for activation.`, { status: found.account?.status });
  }
}

/**
 * Accepts an invitation (accept-invitation): the same region and product type start the 14-day trial
 * and create the MSP's administrator, limited to the MSP; another region or product type is recorded
 * as a conflict. The link is used up either way; nothing changes when anything is refused.
 */
export async function acceptInvitation(ctx: Context, input: AcceptInvitationInput, settings: { regions: string[] }): Promise<{ clientsId: number; status: AccountStatus; login: string | null; trialExpiresAt: Date | null }> {
  if (input.password.length < MINIMUM_PASSWORD_LENGTH) throw invalid(`The password needs at least ${MINIMUM_PASSWORD_LENGTH} characters`, { issues: [{ path: 'password', message: 'too short' }] });
  const region = input.region.trim().toUpperCase();
  if (!/^[A-Z0-9_-]{2,16}$/.test(region)) throw invalid('Choose a region', { issues: [{ path: 'region', message: 'a region code' }] });
  if (!(PRODUCT_TYPES as readonly string[]).includes(input.productType)) throw invalid('Choose a product type', { issues: [{ path: 'product_type', message: PRODUCT_TYPES.join(', ') }] });
  const passwordHash = await hashPassword(input.password);
  return ctx.db.orm.transaction(async (tx) => {
    const now = ctx.now();
    const found = await findInvitation(tx, input.token, now, { forUpdate: true });
    const refusal = invitationRefusal(found);
    if (refusal) throw refusal;
    const { invitation, client } = found as Required<FoundInvitation>;
    const { transition } = await transitionAccount(tx, ctx, client.id, {
      type: 'accept-invitation',
      now,
      region,
      productType: input.productType,
      expectedRegion: settings.regions.includes(region) ? region : settings.regions[0],
      expectedProductType: EXPECTED_PRODUCT_TYPE,
    });
    await tx.update(invitations).set({ usedAt: now }).where(eq(invitations.id, invitation.id));
    let login: string | null = null;
    if (transition.to === 'TRIAL') {
      try {
        const [user] = await tx
          .insert(users)
          .values({ login: invitation.email, name: client.name, email: invitation.email, passwordHash, resellersId: client.id, status: 'active', failedLogins: 0, createdAt: now, updatedAt: now })
          .returning();
        login = user.login;
        await recordAudit(tx, ctx, { action: 'create', entity: 'user', entityId: user.id, scopePath: client.path, data: { login: user.login, resellers_id: client.id } });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`The login ${invitation.email} is taken; ask your distributor to invite another address`);
        throw error;
      }
    }
    return { clientsId: client.id, status: transition.to, login, trialExpiresAt: transition.state.trialExpiresAt };
  });
}
