import { and, eq, isNull } from 'drizzle-orm';
import { apiKeys, users } from '../../db/schema.ts';
import { AppError } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';
import { announceCredentialChange } from './credential-events.ts';
import { loadScopePath } from './scope-path.ts';
import { loadUserInScope } from './user-scope.ts';

/** Deletes a user and revokes its keys at once; returns the number of users deleted. */
export async function deleteUser(ctx: Context, id: number): Promise<number> {
  if (requirePrincipal(ctx).usersId === id) {
    throw new AppError('unprocessable', 'A user cannot delete itself', { name: 'InvalidOperation' });
  }
  let announce = () => {};
  await ctx.db.orm.transaction(async (tx) => {
    const user = await loadUserInScope(tx, ctx, id);
    const now = ctx.now();
    await tx.update(users).set({ status: 'deleted', updatedAt: now }).where(eq(users.id, id));
    await tx.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.usersId, id), isNull(apiKeys.revokedAt)));
    await recordAudit(tx, ctx, { action: 'delete', entity: 'user', entityId: id, scopePath: await loadScopePath(tx, user.resellersId) });
    announce = await announceCredentialChange(tx, `user:${id}`);
  });
  announce();
  return 1;
}
