import { and, eq, sql } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import { AppError, unauthorized } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { issueToken } from './jwt.ts';
import { verifyPassword } from './passwords.ts';

const FREE_ATTEMPTS = 5;
const MAX_LOCK_SECONDS = 3600;

/**
 * Exchanges a login and password for a one-hour JWT. After five failures in a row the login is
 * locked for a doubling time (30 s, 60 s … one hour), in the database so every instance agrees.
 */
export async function authenticate(ctx: Context, input: { login: string; password: string }) {
  const now = ctx.now();
  const [user] = await ctx.db.orm
    .select()
    .from(users)
    .where(and(sql`lower(${users.login}) = lower(${input.login})`, eq(users.status, 'active')));
  if (user?.lockedUntil && user.lockedUntil > now) throw tooManyAttempts(user.lockedUntil, now);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (!user || !valid) {
    if (user) {
      const failures = user.failedLogins + 1;
      const lockSeconds = failures >= FREE_ATTEMPTS ? Math.min(MAX_LOCK_SECONDS, 30 * 2 ** (failures - FREE_ATTEMPTS)) : 0;
      await ctx.db.orm
        .update(users)
        .set({ failedLogins: failures, lockedUntil: lockSeconds ? new Date(now.getTime() + lockSeconds * 1000) : null })
        .where(eq(users.id, user.id));
    }
    throw unauthorized('Invalid login or password');
  }
  if (user.failedLogins > 0) await ctx.db.orm.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  return issueToken(ctx.db, user.id, now);
}

function tooManyAttempts(until: Date, now: Date): AppError {
  const retryAfter = Math.ceil((until.getTime() - now.getTime()) / 1000);
  return new AppError('rate_limited', 'Too many failed logins; try again later', { retry_after: retryAfter });
}
