import { users, vendorCredentials } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { masterKeyOf } from './master-key.ts';
import { sealSecret } from './secret-box.ts';
import { generateConsumerKey, generateVendorSecret, presentVendorCredential, secretOwner } from './vendor-credential-record.ts';

export interface CreateVendorCredentialInput {
  distributors_id: number;
  vendor: string;
}

/**
 * Creates a distributor's credential for the account-management face, with the user the face acts
 * as (limited to the distributor). The secret is in this answer only; it is stored sealed.
 */
export async function createVendorCredential(ctx: Context, input: CreateVendorCredentialInput) {
  const key = masterKeyOf(ctx.db);
  return ctx.db.orm.transaction(async (tx) => {
    const distributor = await loadClientInScope(tx, ctx, input.distributors_id);
    if (distributor.kind !== 'distributor') throw invalid(`Client ${distributor.id} is a ${distributor.kind}: vendor credentials belong to distributors`);
    if (distributor.status !== 'active') throw invalid(`Client ${distributor.id} is ${distributor.status}`);
    const now = ctx.now();
    const consumerKey = generateConsumerKey();
    const secret = generateVendorSecret();
    const [user] = await tx
      .insert(users)
      .values({
        login: `vendor:${consumerKey}`,
        name: `${input.vendor} (vendor credential)`,
        resellersId: distributor.id,
        status: 'active',
        failedLogins: 0,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const [row] = await tx
      .insert(vendorCredentials)
      .values({
        distributorsId: distributor.id,
        vendor: input.vendor,
        consumerKey,
        secretSealed: sealSecret(key, secret, secretOwner(consumerKey)),
        usersId: user.id,
        status: 'active',
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'create',
      entity: 'vendor_credential',
      entityId: row.id,
      scopePath: distributor.path,
      data: { distributors_id: distributor.id, vendor: row.vendor, consumer_key: consumerKey },
    });
    return { ...presentVendorCredential(row), secret };
  });
}
