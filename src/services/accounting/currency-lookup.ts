import { and, desc, eq, lte } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { currencies, exchangeRates } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';

export type CurrencyRow = typeof currencies.$inferSelect;

export async function currencyByCode(executor: Executor, code: string): Promise<CurrencyRow> {
  const [row] = await executor.select().from(currencies).where(eq(currencies.code, code.toUpperCase()));
  if (!row) throw invalid(`Unknown currency ${code}`);
  return row;
}

/** The rate in force at `at`: the latest with effective_at ≤ at. 1 for a currency to itself. */
export async function rateAt(executor: Executor, fromId: number, toId: number, at: Date) {
  if (fromId === toId) return { rate: '1', effectiveAt: null as Date | null };
  const [row] = await executor
    .select({ rate: exchangeRates.rate, effectiveAt: exchangeRates.effectiveAt })
    .from(exchangeRates)
    .where(and(eq(exchangeRates.fromCurrenciesId, fromId), eq(exchangeRates.toCurrenciesId, toId), lte(exchangeRates.effectiveAt, at)))
    .orderBy(desc(exchangeRates.effectiveAt), desc(exchangeRates.id))
    .limit(1);
  return row ? { rate: row.rate, effectiveAt: row.effectiveAt as Date | null } : undefined;
}
