import { and, eq, isNull } from 'drizzle-orm';
import { apiKeys, users } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { announceCredentialChange } from './credential-events.ts';
import { loadApiKeyInScope } from './api-key-scope.ts';
import { loadScopePath } from './scope-path.ts';

/** Revokes a key; it fails on its very next request, on every instance. Returns the rows changed. */
export async function revokeApiKey(ctx: Context, id: number): Promise<number> {
  let announce = () => {};
  const changed = await ctx.db.orm.transaction(async (tx) => {
    const key = await loadApiKeyInScope(tx, ctx, id);
    const updated = await tx
      .update(apiKeys)
      .set({ revokedAt: ctx.now() })
      .where(and(eq(apiKeys.id, key.id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (updated.length === 0) return 0;
    const [owner] = await tx.select({ resellersId: users.resellersId }).from(users).where(eq(users.id, key.usersId));
    const scopePath = await loadScopePath(tx, owner.resellersId);
    await recordAudit(tx, ctx, { action: 'revoke', entity: 'api_key', entityId: key.id, scopePath, data: { users_id: key.usersId } });
    announce = await announceCredentialChange(tx, `key:${key.keyHash}`);
    return 1;
  });
  announce();
  return changed;
}
