import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTime, dateTimeOutput, decimal, id, integer, paging, searchResult } from '../schemas.ts';
import { createPriceEntry } from '../../services/pricing/create-price-entry.ts';
import { searchPriceEntries } from '../../services/pricing/search-price-entries.ts';

const layer = z.enum(['cost', 'sell']).meta({ description: 'cost: distributor → MSP; sell: MSP → company' });
const priceEntry = z.object({
  id: z.number().int(),
  layer,
  clients_id: z.number().int(),
  companies_id: z.number().int().nullable(),
  products_id: z.number().int(),
  unit_price: z.string(),
  currency: z.string(),
  effective_at: dateTimeOutput(),
  created_at: dateTimeOutput(),
});

export const pricingMethods = [
  defineMethod({
    name: 'billing.price_books.create',
    summary: 'Set a price in an MSP’s cost or sell book (optionally for one company), from the first month starting on or after effective_at',
    rest: { method: 'POST', path: '/billing/price-books' },
    auth: 'user',
    input: z.object({
      layer,
      clients_id: id(),
      companies_id: id().optional(),
      products_id: integer(1, 2_147_483_647),
      unit_price: decimal(6).refine((value) => !value.startsWith('-'), 'not negative'),
      effective_at: dateTime().optional(),
    }),
    output: priceEntry,
    run: (ctx, input) => createPriceEntry(ctx, input),
  }),
  defineMethod({
    name: 'billing.price_books.search',
    summary: 'An MSP’s price-book entries, in effective order',
    rest: { method: 'GET', path: '/billing/price-books' },
    auth: 'user',
    input: z.object({
      ...paging,
      clients_id: id(),
      layer: layer.optional(),
      products_id: integer(1, 2_147_483_647).optional(),
      companies_id: id().optional(),
    }),
    output: searchResult(priceEntry),
    run: (ctx, input) => searchPriceEntries(ctx, input),
  }),
];
