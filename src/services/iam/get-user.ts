import type { Context } from '../context.ts';
import { loadUserInScope, presentUser } from './user-scope.ts';

/** One user the caller may see. */
export async function getUser(ctx: Context, id: number) {
  return presentUser(await loadUserInScope(ctx.db.orm, ctx, id));
}
