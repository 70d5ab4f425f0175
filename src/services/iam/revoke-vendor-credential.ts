import { eq } from 'drizzle-orm';
import { vendorCredentials } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadScopePath } from './scope-path.ts';
import { loadVendorCredentialInScope } from './vendor-credential-record.ts';

/** Revokes a credential: its very next request is refused. Returns the number of rows changed. */
export async function revokeVendorCredential(ctx: Context, id: number): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const credential = await loadVendorCredentialInScope(tx, ctx, id, { forUpdate: true });
    if (credential.status === 'revoked') return 0;
    await tx.update(vendorCredentials).set({ status: 'revoked', revokedAt: ctx.now() }).where(eq(vendorCredentials.id, id));
    await recordAudit(tx, ctx, {
      action: 'revoke',
      entity: 'vendor_credential',
      entityId: id,
      scopePath: await loadScopePath(tx, credential.distributorsId),
      data: { consumer_key: credential.consumerKey },
    });
    return 1;
  });
}
