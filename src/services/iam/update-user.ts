import { eq } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import { users } from '../../db/schema.ts';
import { conflict, invalid } from '../../api/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { announceCredentialChange } from './credential-events.ts';
import { hashPassword } from './passwords.ts';
import { loadScopePath } from './scope-path.ts';
import { checkGrantableScope, loadUserInScope } from './user-scope.ts';

export interface UpdateUserInput {
  id: number;
  login?: string;
  password?: string;
  name?: string | null;
  email?: string | null;
  resellers_id?: number | null;
  time_zone?: string | null;
}

/** Changes a user; returns the number of rows changed. A new limit or password takes effect on the next request. */
export async function updateUser(ctx: Context, input: UpdateUserInput): Promise<number> {
  if (input.time_zone && !IANAZone.isValidZone(input.time_zone)) throw invalid(`Unknown time zone "${input.time_zone}"`);
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  let announce = () => {};
  const changed = await ctx.db.orm.transaction(async (tx) => {
    const user = await loadUserInScope(tx, ctx, input.id);
    if (input.resellers_id !== undefined) await checkGrantableScope(tx, ctx, input.resellers_id);
    const changes = {
      ...(input.login !== undefined && { login: input.login }),
      ...(passwordHash !== undefined && { passwordHash, failedLogins: 0, lockedUntil: null }),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.email !== undefined && { email: input.email }),
      ...(input.resellers_id !== undefined && { resellersId: input.resellers_id }),
      ...(input.time_zone !== undefined && { timeZone: input.time_zone }),
    };
    if (Object.keys(changes).length === 0) return 0;
    try {
      await tx.update(users).set({ ...changes, updatedAt: ctx.now() }).where(eq(users.id, user.id));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Login "${input.login}" is taken`);
      throw error;
    }
    await recordAudit(tx, ctx, {
      action: 'update',
      entity: 'user',
      entityId: user.id,
      scopePath: await loadScopePath(tx, user.resellersId),
      data: { fields: Object.keys(changes).filter((field) => field !== 'passwordHash') },
    });
    announce = await announceCredentialChange(tx, `user:${user.id}`);
    return 1;
  });
  announce();
  return changed;
}
