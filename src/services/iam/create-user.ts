import { IANAZone } from 'luxon';
import { users } from '../../db/schema.ts';
import { conflict, invalid } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';
import { hashPassword } from './passwords.ts';
import { checkGrantableScope, presentUser } from './user-scope.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { loadScopePath } from './scope-path.ts';

export interface CreateUserInput {
  login: string;
  password?: string;
  name?: string | null;
  email?: string | null;
  resellers_id?: number | null;
  time_zone?: string | null;
}

/** Creates a user, limited to a node of the hierarchy or (for unlimited callers only) to none. */
export async function createUser(ctx: Context, input: CreateUserInput) {
  requirePrincipal(ctx);
  if (input.time_zone && !IANAZone.isValidZone(input.time_zone)) throw invalid(`Unknown time zone "${input.time_zone}"`);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return ctx.db.orm.transaction(async (tx) => {
    await checkGrantableScope(tx, ctx, input.resellers_id);
    const now = ctx.now();
    try {
      const [row] = await tx
        .insert(users)
        .values({
          login: input.login,
          name: input.name ?? null,
          email: input.email ?? null,
          passwordHash,
          resellersId: input.resellers_id ?? null,
          timeZone: input.time_zone ?? null,
          status: 'active',
          failedLogins: 0,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordAudit(tx, ctx, {
        action: 'create',
        entity: 'user',
        entityId: row.id,
        scopePath: await loadScopePath(tx, row.resellersId),
        data: { login: row.login, resellers_id: row.resellersId },
      });
      return presentUser(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Login "${input.login}" is taken`);
      throw error;
    }
  });
}
