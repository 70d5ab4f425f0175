import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTime, dateTimeOutput, decimal, id, integer, paging, searchResult } from '../schemas.ts';
import { importQuantities, MAX_IMPORT_ROWS } from '../../services/ledger/import-quantities.ts';
import { quantityHistory } from '../../services/ledger/quantity-history.ts';
import { setGauge } from '../../services/ledger/set-gauge.ts';
import { setQuantity } from '../../services/ledger/set-quantity.ts';

const productId = () => integer(1, 2_147_483_647);
const quantity = () => decimal(6).refine((value) => !value.startsWith('-'), 'not negative');
const eventId = () => z.string().min(1).max(255);

const ledgerRow = z.object({
  id: z.number().int(),
  clients_id: z.number().int(),
  products_id: z.number().int(),
  effective_at: dateTimeOutput(),
  quantity: z.string(),
  recorded_at: dateTimeOutput(),
  source: z.string(),
  event_id: z.string().nullable(),
  detail: z.string().nullable(),
  note: z.string().nullable(),
  duplicate: z.boolean().optional().meta({ description: 'true when this event_id was already recorded: nothing was written' }),
});

const row = {
  clients_id: id(),
  products_id: productId(),
  quantity: quantity(),
  effective_at: dateTime().optional().meta({ description: 'from when the quantity holds (default now; backdating allowed)' }),
  event_id: eventId().optional(),
  detail: z.string().max(255).optional(),
  note: z.string().max(1000).optional(),
};

export const ledgerMethods = [
  defineMethod({
    name: 'billing.quantities.set',
    summary: 'Record what a client holds of a product from a given instant',
    rest: { method: 'POST', path: '/billing/quantities' },
    auth: 'user',
    input: z.object({ ...row, source: z.string().min(1).max(64).optional() }),
    output: ledgerRow,
    run: (ctx, input) => setQuantity(ctx, input),
  }),
  defineMethod({
    name: 'billing.quantities.import',
    summary: `Import up to ${MAX_IMPORT_ROWS} ledger rows, all or nothing, idempotent by event_id`,
    rest: { method: 'POST', path: '/billing/quantities/import' },
    auth: 'user',
    input: z.object({ source: z.string().min(1).max(64).default('import'), rows: z.array(z.object(row)).min(1).max(MAX_IMPORT_ROWS) }),
    output: z.object({ received: z.number().int(), inserted: z.number().int(), duplicates: z.number().int() }),
    run: (ctx, input) => importQuantities(ctx, input),
  }),
  defineMethod({
    name: 'billing.quantities.history',
    summary: 'A client’s ledger rows, in effective order',
    rest: { method: 'GET', path: '/billing/quantities/history' },
    auth: 'user',
    input: z.object({ ...paging, clients_id: id(), products_id: productId().optional(), from: dateTime().optional(), to: dateTime().optional() }),
    output: searchResult(ledgerRow),
    run: (ctx, input) => quantityHistory(ctx, input),
  }),
  defineMethod({
    name: 'billing.gauges.set',
    summary: 'Record a company gauge (invited_users, max_users) from a given instant',
    rest: { method: 'POST', path: '/billing/gauges' },
    auth: 'user',
    input: z.object({
      clients_id: id(),
      gauge: z.enum(['invited_users', 'max_users']),
      value: integer(0, 10_000_000),
      effective_at: dateTime().optional(),
    }),
    output: z.object({
      id: z.number().int(),
      clients_id: z.number().int(),
      gauge: z.string(),
      value: z.number().int(),
      effective_at: dateTimeOutput(),
      recorded_at: dateTimeOutput(),
    }),
    run: (ctx, input) => setGauge(ctx, input),
  }),
];
