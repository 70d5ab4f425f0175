import { Decimal } from 'decimal.js';
import { exchangeRates } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { requireUnlimited } from '../scope.ts';
import { currencyByCode } from './currency-lookup.ts';

const RATE_DECIMALS = 12;

/** Stores a rate and its reverse (1/rate, to 12 places), both effective from the same instant. */
export async function createExchangeRate(ctx: Context, input: { from: string; to: string; rate: string; effective_at?: Date }) {
  requireUnlimited(ctx);
  const rate = new Decimal(input.rate);
  if (rate.lte(0)) throw invalid('rate must be greater than 0', { issues: [{ path: 'rate', message: 'greater than 0' }] });
  return ctx.db.orm.transaction(async (tx) => {
    const [from, to] = [await currencyByCode(tx, input.from), await currencyByCode(tx, input.to)];
    if (from.id === to.id) throw invalid('from and to must differ');
    const now = ctx.now();
    const effectiveAt = input.effective_at ?? now;
    const reverse = new Decimal(1).div(rate).toDecimalPlaces(RATE_DECIMALS, Decimal.ROUND_HALF_UP);
    const [forward, backward] = await tx
      .insert(exchangeRates)
      .values([
        { fromCurrenciesId: from.id, toCurrenciesId: to.id, rate: rate.toFixed(), effectiveAt, createdAt: now },
        { fromCurrenciesId: to.id, toCurrenciesId: from.id, rate: reverse.toFixed(), effectiveAt, createdAt: now },
      ])
      .returning();
    await recordAudit(tx, ctx, {
      action: 'create',
      entity: 'exchange_rate',
      entityId: forward.id,
      scopePath: null,
      data: { from: from.code, to: to.code, rate: forward.rate, reverse: backward.rate },
    });
    return {
      id: forward.id,
      from: from.code,
      to: to.code,
      rate: forward.rate,
      effective_at: effectiveAt,
      reverse: { id: backward.id, from: to.code, to: from.code, rate: backward.rate },
    };
  });
}
