import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { currencies } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';

/** Currencies are installation-wide: every caller sees all of them. */
export async function searchCurrencies(ctx: Context, input: { limit: number; offset: number; code?: string }) {
  requirePrincipal(ctx);
  const filters: SQL[] = [];
  if (input.code !== undefined) filters.push(eq(currencies.code, input.code.toUpperCase()));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm.select().from(currencies).where(where).orderBy(asc(currencies.code)).limit(input.limit).offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(currencies).where(where),
  ]);
  return { items: rows, total: Number(total) };
}
