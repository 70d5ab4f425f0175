import { notFound } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';
import { currencyByCode, rateAt } from './currency-lookup.ts';

/** The exchange rate from one currency to another in force at `date` (now by default). */
export async function getExchangeRate(ctx: Context, input: { from: string; to: string; date?: Date }) {
  requirePrincipal(ctx);
  const [from, to] = [await currencyByCode(ctx.db.orm, input.from), await currencyByCode(ctx.db.orm, input.to)];
  const at = input.date ?? ctx.now();
  const found = await rateAt(ctx.db.orm, from.id, to.id, at);
  if (!found) throw notFound(`Exchange rate from ${from.code} to ${to.code}`);
  return { from: from.code, to: to.code, rate: found.rate, effective_at: found.effectiveAt, date: at };
}
