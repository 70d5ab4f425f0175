import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTimeOutput, id, integer } from '../schemas.ts';
import { getCurrentUsage } from '../../services/statements/get-current-usage.ts';
import { getStatement } from '../../services/statements/get-statement.ts';
import { closeStatements } from '../../services/statements/close-statements.ts';
import { reratePreview } from '../../services/statements/rerate-preview.ts';

const line = z.object({
  products_id: z.number().int(),
  product_name: z.string(),
  unit: z.string().nullable(),
  quantity: z.string(),
  unit_price: z.string(),
  avg_monthly_cost: z.string(),
  details: z
    .array(z.object({ detail: z.string(), quantity: z.string() }))
    .optional()
    .meta({ description: 'when ingestion named consumers (users, devices): what each held, prorated like the line' }),
  adjusts: z
    .object({ month: z.string(), billed: z.string(), rerated: z.string(), previously_adjusted: z.string() })
    .optional()
    .meta({ description: 'on an adjustment line: the closed month it corrects and the figures behind the difference' }),
  breakdown: z
    .array(z.object({ from: dateTimeOutput(), to: dateTimeOutput(), quantity: z.string(), fraction: z.string() }))
    .meta({ description: 'the intervals that produced the line: what was held, and for which share of the month' }),
});
const yearMonth = { year: integer(2000, 9999), month: integer(1, 12) };
const figures = z.object({ quantity: z.string(), unit_price: z.string(), avg_monthly_cost: z.string() }).nullable();
const amountChange = z.object({ before: z.string(), after: z.string(), difference: z.string() });
const holder = z.object({ clients_id: z.number().int(), name: z.string(), total: z.string(), lines: z.array(line) });
const usageHolder = z.object({
  clients_id: z.number().int(),
  name: z.string(),
  plan: z.string().nullable(),
  invited_users: z.number().int(),
  max_users: z.number().int(),
  products: z.array(z.object({ products_id: z.number().int(), product_name: z.string(), unit: z.string(), held: z.string(), quantity: z.string() })),
});

export const statementMethods = [
  defineMethod({
    name: 'billing.statements.get',
    summary: 'An MSP’s statement for a month, each line with the intervals that produced it',
    rest: { method: 'GET', path: '/billing/statements' },
    auth: 'user',
    input: z.object({ clients_id: id(), year: integer(2000, 9999), month: integer(1, 12) }),
    output: z.object({
      clients_id: z.number().int(),
      year: z.number().int(),
      month: z.number().int(),
      status: z.enum(['draft', 'due', 'closed']),
      currency: z.string(),
      billing_time_zone: z.string(),
      period_start: dateTimeOutput(),
      period_end: dateTimeOutput(),
      companies: z.array(holder),
      msp_item: holder.nullable(),
      sub_total: z.string(),
      tax_rate: z.string(),
      tax: z.string(),
      total: z.string(),
      closed_at: dateTimeOutput().nullable(),
    }),
    run: (ctx, input) => getStatement(ctx, input),
  }),
  defineMethod({
    name: 'billing.usage.current',
    summary: 'What an MSP and each of its companies hold right now',
    rest: { method: 'GET', path: '/billing/usage/current' },
    auth: 'user',
    input: z.object({ clients_id: id() }),
    output: z.object({ clients_id: z.number().int(), at: dateTimeOutput(), msp_item: usageHolder, companies: z.array(usageHolder) }),
    run: (ctx, input) => getCurrentUsage(ctx, input),
  }),

  defineMethod({
    name: 'billing.statements.close',
    summary: 'Close and freeze a month now, for one MSP or every MSP in your subtree (the month must be over)',
    rest: { method: 'POST', path: '/billing/statements/close' },
    auth: 'user',
    input: z.object({ clients_id: id().optional(), ...yearMonth }),
    output: z.object({
      items: z.array(
        z.object({
          clients_id: z.number().int(),
          statements_id: z.number().int(),
          total: z.string(),
          currency: z.string(),
          closed_at: dateTimeOutput(),
          closed_now: z.boolean().meta({ description: 'false when the month was already closed: nothing changed' }),
        }),
      ),
      total: z.number().int(),
    }),
    run: (ctx, input) => closeStatements(ctx, input),
  }),
  defineMethod({
    name: 'billing.statements.rerate_preview',
    summary: 'What a closed month would be under today’s ledger and price books, line by line; changes nothing',
    rest: { method: 'GET', path: '/billing/statements/rerate-preview' },
    auth: 'user',
    input: z.object({ clients_id: id(), ...yearMonth }),
    output: z.object({
      clients_id: z.number().int(),
      year: z.number().int(),
      month: z.number().int(),
      currency: z.string(),
      lines: z.array(
        z.object({
          owner: z.enum(['company', 'msp']),
          clients_id: z.number().int(),
          name: z.string(),
          products_id: z.number().int(),
          product_name: z.string(),
          change: z.enum(['added', 'removed', 'changed', 'unchanged']),
          before: figures,
          after: figures,
          difference: z.string(),
        }),
      ),
      sub_total: amountChange,
      tax: amountChange,
      total: amountChange,
    }),
    run: (ctx, input) => reratePreview(ctx, input),
  }),
];
