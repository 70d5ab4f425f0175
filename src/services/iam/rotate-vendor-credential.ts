import { eq } from 'drizzle-orm';
import { vendorCredentials } from '../../db/schema.ts';
import { unprocessable } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { masterKeyOf } from './master-key.ts';
import { loadScopePath } from './scope-path.ts';
import { sealSecret } from './secret-box.ts';
import { generateVendorSecret, loadVendorCredentialInScope, presentVendorCredential, secretOwner } from './vendor-credential-record.ts';

/** Replaces a credential's secret and keeps its consumer key; tokens signed with the old secret fail from now on. */
export async function rotateVendorCredential(ctx: Context, id: number) {
  const key = masterKeyOf(ctx.db);
  return ctx.db.orm.transaction(async (tx) => {
    const credential = await loadVendorCredentialInScope(tx, ctx, id, { forUpdate: true });
    if (credential.status === 'revoked') throw unprocessable('CredentialRevoked', `Vendor credential ${id} is revoked and cannot be rotated`);
    const secret = generateVendorSecret();
    const [row] = await tx
      .update(vendorCredentials)
      .set({ secretSealed: sealSecret(key, secret, secretOwner(credential.consumerKey)), rotatedAt: ctx.now() })
      .where(eq(vendorCredentials.id, id))
      .returning();
    await recordAudit(tx, ctx, {
      action: 'rotate',
      entity: 'vendor_credential',
      entityId: id,
      scopePath: await loadScopePath(tx, credential.distributorsId),
      data: { consumer_key: credential.consumerKey },
    });
    return { ...presentVendorCredential(row), secret };
  });
}
