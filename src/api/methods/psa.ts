import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTimeOutput, decimal, flag, id, integer } from '../schemas.ts';
import { psaExport } from '../../services/psa/psa-export.ts';
import { importBilledQuantities } from '../../services/psa/import-billed-quantities.ts';
import { searchReconciliation } from '../../services/psa/search-reconciliation.ts';
import { setBilledQuantity } from '../../services/psa/set-billed-quantity.ts';

const exportLine = z.object({
  company_id: z.number().int(),
  company_name: z.string(),
  products_id: z.number().int(),
  service: z.string(),
  sku: z.string().nullable(),
  uom: z.string(),
  quantity: z.string(),
  unit_price: z.string().meta({ description: 'sell: what the MSP charges the company' }),
  unit_cost: z.string().meta({ description: 'cost: what the distributor charges the MSP' }),
  extended_price: z.string(),
  extended_cost: z.string(),
  margin: z.string(),
  effective_date: z.string(),
  end_date: z.string(),
  proration: z.string(),
  billed_fraction: z.string(),
});

export const psaMethods = [
  defineMethod({
    name: 'psa.export',
    summary: 'Billable lines of an MSP’s month for a PSA: quantity, sell price, cost and margin per company and service',
    rest: { method: 'GET', path: '/psa/export' },
    auth: 'user',
    input: z.object({
      clients_id: id(),
      year: integer(2000, 9999),
      month: integer(1, 12),
      format: z.enum(['csv', 'connectwise-additions', 'autotask-adjustments']).default('csv'),
    }),
    output: z.object({
      clients_id: z.number().int(),
      year: z.number().int(),
      month: z.number().int(),
      format: z.string(),
      currency: z.string(),
      filename: z.string(),
      content_type: z.string(),
      content: z.string().meta({ description: 'the file: RFC 4180 CSV, or one JSON object per line' }),
      lines: z.array(exportLine),
      totals: z.object({ extended_price: z.string(), extended_cost: z.string(), margin: z.string() }),
    }),
    run: (ctx, input) => psaExport(ctx, input),
  }),
];

const yearMonth = { year: integer(2000, 9999), month: integer(1, 12) };
const decision = z.enum(['pending', 'approved', 'dismissed']);
const reconciliationLine = z.object({
  clients_id: z.number().int(),
  company_name: z.string(),
  products_id: z.number().int(),
  product_name: z.string(),
  vendor_quantity: z.string().meta({ description: 'what the vendor billed the MSP (the ledger)' }),
  psa_quantity: z.string().nullable().meta({ description: 'what the PSA billed the company; null when nothing was recorded' }),
  delta: z.string().meta({ description: 'psa_quantity − vendor_quantity: negative is unbilled usage' }),
  unit_cost: z.string(),
  unit_price: z.string(),
  cost: z.string(),
  price: z.string(),
  margin: z.string(),
  status: decision,
  note: z.string().nullable(),
  decided_by: z.number().int().nullable(),
  decided_at: dateTimeOutput().nullable(),
});

export const reconciliationMethods = [
  defineMethod({
    name: 'psa.reconciliation.set',
    summary: 'Record what the PSA billed a company for a product in a month, or decide on that line (approve, dismiss)',
    rest: { method: 'POST', path: '/psa/reconciliation' },
    auth: 'user',
    input: z.object({
      clients_id: id(),
      products_id: integer(1, 2_147_483_647),
      ...yearMonth,
      psa_quantity: decimal(6).nullable().optional(),
      psa_unit_price: decimal(6).nullable().optional(),
      status: decision.optional(),
      note: z.string().max(1000).nullable().optional(),
    }),
    output: z.number().int(),
    run: (ctx, input) => setBilledQuantity(ctx, input),
  }),
  defineMethod({
    name: 'psa.reconciliation.import',
    summary: 'Import what a PSA billed for an MSP’s month from a CSV (company_id or company_name, products_id or sku, quantity, unit_price)',
    rest: { method: 'POST', path: '/psa/reconciliation/import' },
    auth: 'user',
    input: z.object({ clients_id: id(), ...yearMonth, csv: z.string().min(1).max(10_000_000) }),
    output: z.object({ imported: z.number().int() }),
    run: (ctx, input) => importBilledQuantities(ctx, input),
  }),
  defineMethod({
    name: 'psa.reconciliation.search',
    summary: 'Vendor quantity against PSA-billed quantity per company, product and month, with delta, cost, price, margin and decision',
    rest: { method: 'GET', path: '/psa/reconciliation' },
    auth: 'user',
    input: z.object({ clients_id: id(), ...yearMonth, status: decision.optional(), mismatched_only: flag().optional() }),
    output: z.object({ currency: z.string(), items: z.array(reconciliationLine), total: z.number().int() }),
    run: (ctx, input) => searchReconciliation(ctx, input),
  }),
];
