import { and, asc, count, eq, isNull, type SQL } from 'drizzle-orm';
import { priceEntries } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import { loadClientInScope } from '../scope.ts';
import { presentPriceEntry } from './price-record.ts';

export interface SearchPriceEntriesInput {
  clients_id: number;
  layer?: 'cost' | 'sell';
  products_id?: number;
  /** A company id for its overrides; `null` would be the MSP-wide entries only. */
  companies_id?: number | null;
  limit: number;
  offset: number;
}

/** An MSP's price-book entries in effective order. */
export async function searchPriceEntries(ctx: Context, input: SearchPriceEntriesInput) {
  const msp = await loadClientInScope(ctx.db.orm, ctx, input.clients_id);
  const filters: SQL[] = [eq(priceEntries.clientsId, msp.id)];
  if (input.layer !== undefined) filters.push(eq(priceEntries.layer, input.layer));
  if (input.products_id !== undefined) filters.push(eq(priceEntries.productsId, input.products_id));
  if (input.companies_id === null) filters.push(isNull(priceEntries.companiesId));
  else if (input.companies_id !== undefined) filters.push(eq(priceEntries.companiesId, input.companies_id));
  const where = and(...filters);
  const [rows, [{ total }], currency] = await Promise.all([
    ctx.db.orm
      .select()
      .from(priceEntries)
      .where(where)
      .orderBy(asc(priceEntries.layer), asc(priceEntries.productsId), asc(priceEntries.effectiveAt), asc(priceEntries.id))
      .limit(input.limit)
      .offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(priceEntries).where(where),
    currencyCodeOf(ctx.db.orm, msp.currenciesId),
  ]);
  return { items: rows.map((row) => presentPriceEntry(row, currency)), total: Number(total) };
}
