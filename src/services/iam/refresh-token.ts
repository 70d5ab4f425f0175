import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';
import { issueToken } from './jwt.ts';

/** A fresh one-hour token for the authenticated caller. */
export async function refreshToken(ctx: Context) {
  return issueToken(ctx.db, requirePrincipal(ctx).usersId, ctx.now());
}
