import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import { inArray } from 'drizzle-orm';
import { products } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { sumDecimals, toPriceString } from '../../domain/money.ts';
import type { CompanyStatement, StatementLine } from '../../domain/statement.ts';
import type { Context } from '../context.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import { loadClientInScope } from '../scope.ts';
import { billedStatement } from '../statements/billed-statement.ts';

export type ExportFormat = 'csv' | 'connectwise-additions' | 'autotask-adjustments';

export interface ExportLine {
  company_id: number;
  company_name: string;
  products_id: number;
  service: string;
  sku: string | null;
  uom: string;
  quantity: string;
  unit_price: string;
  unit_cost: string;
  extended_price: string;
  extended_cost: string;
  margin: string;
  effective_date: string;
  end_date: string;
  proration: string;
  billed_fraction: string;
}

const CSV_COLUMNS: (keyof ExportLine)[] = [
  'company_id', 'company_name', 'products_id', 'service', 'sku', 'uom', 'quantity', 'unit_price', 'unit_cost',
  'extended_price', 'extended_cost', 'margin', 'effective_date', 'end_date', 'proration', 'billed_fraction',
];

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled, lines end in CRLF. */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(lines: ExportLine[]): string {
  return [CSV_COLUMNS.join(','), ...lines.map((line) => CSV_COLUMNS.map((column) => csvField(line[column])).join(','))].join('\r\n') + '\r\n';
}

function render(format: ExportFormat, lines: ExportLine[], currency: string): string {
  if (format === 'csv') return toCsv(lines);
  if (format === 'connectwise-additions') {
    // Shaped like ConnectWise Manage agreement additions, one JSON object per line.
    return lines
      .map((line) =>
        JSON.stringify({
          product: { identifier: line.sku ?? String(line.products_id) },
          description: `${line.service} (${line.company_name})`,
          quantity: Number(line.quantity),
          unitPrice: Number(line.unit_price),
          unitCost: Number(line.unit_cost),
          extPrice: Number(line.extended_price),
          extCost: Number(line.extended_cost),
          billCustomer: 'Billable',
          effectiveDate: `${line.effective_date}T00:00:00Z`,
          cancelledDate: `${line.end_date}T00:00:00Z`,
          prorateCurrentPeriodFlag: line.proration !== 'none',
          customerDescription: line.service,
          company: { id: line.company_id, name: line.company_name },
          currency,
        }),
      )
      .join('\n') + (lines.length ? '\n' : '');
  }
  // Shaped like Autotask contract service adjustments, one JSON object per line.
  return lines
    .map((line) =>
      JSON.stringify({
        serviceSku: line.sku ?? String(line.products_id),
        serviceName: line.service,
        accountName: line.company_name,
        accountId: line.company_id,
        effectiveDate: line.effective_date,
        adjustedUnits: Number(line.quantity),
        unitPrice: Number(line.unit_price),
        unitCost: Number(line.unit_cost),
        adjustedUnitPrice: Number(line.unit_price),
        adjustedUnitCost: Number(line.unit_cost),
        currency,
      }),
    )
    .join('\n') + (lines.length ? '\n' : '');
}

const key = (companyId: number | string, productId: number) => `${companyId}:${productId}`;

function indexLines(holders: CompanyStatement[]): Map<string, StatementLine> {
  const index = new Map<string, StatementLine>();
  for (const holder of holders) for (const line of holder.lines) if (!line.adjusts) index.set(key(holder.companyId, line.productId), line);
  return index;
}

/**
 * The PSA export of an MSP's month: per company and service, the quantity, the sell price (what
 * the MSP charges) and the cost (what the distributor charges, i.e. the statement), and the margin.
 * Its cost total is the statement's companies' total; adjustment lines for earlier months are not exported.
 */
export async function psaExport(ctx: Context, input: { clients_id: number; year: number; month: number; format: ExportFormat }) {
  const msp = await loadClientInScope(ctx.db.orm, ctx, input.clients_id);
  if (msp.kind !== 'msp') throw invalid('PSA exports belong to MSPs: clients_id must be an MSP');
  const [cost, sell] = await Promise.all([
    billedStatement(ctx.db.orm, msp, input.year, input.month, 'cost'),
    billedStatement(ctx.db.orm, msp, input.year, input.month, 'sell'),
  ]);
  const sellLines = indexLines(sell.statement.mcItems);
  const productIds = [...new Set(cost.statement.mcItems.flatMap((holder) => holder.lines.map((line) => line.productId)))];
  const catalog = new Map(
    (productIds.length ? await ctx.db.orm.select().from(products).where(inArray(products.id, productIds)) : []).map((product) => [product.id, product]),
  );
  const zone = msp.billingTimeZone;
  const day = (at: Date) => DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd');
  const lines: ExportLine[] = [];
  for (const holder of cost.statement.mcItems) {
    for (const line of holder.lines) {
      if (line.adjusts) continue;
      const sold = sellLines.get(key(holder.companyId, line.productId)) ?? line;
      const product = catalog.get(line.productId);
      const held = line.breakdown;
      const fraction = sumDecimals(held.map((item) => item.fraction));
      lines.push({
        company_id: Number(holder.companyId),
        company_name: holder.companyName,
        products_id: line.productId,
        service: product?.serviceName ?? line.productName,
        sku: product?.sku ?? null,
        uom: product?.uom ?? product?.usageUnit ?? '',
        quantity: line.quantity.toFixed(),
        unit_price: toPriceString(sold.unitPrice),
        unit_cost: toPriceString(line.unitPrice),
        extended_price: sold.avgMonthlyCost.toFixed(2),
        extended_cost: line.avgMonthlyCost.toFixed(2),
        margin: sold.avgMonthlyCost.minus(line.avgMonthlyCost).toFixed(2),
        effective_date: day(held[0]?.from ?? cost.period.start),
        end_date: day(held.at(-1)?.to ?? cost.period.end),
        proration: product?.proration ?? 'quantity',
        billed_fraction: fraction.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed(),
      });
    }
  }
  const total = (field: 'extended_price' | 'extended_cost' | 'margin') => sumDecimals(lines.map((line) => line[field])).toFixed(2);
  const currency = await currencyCodeOf(ctx.db.orm, msp.currenciesId);
  const month = `${input.year}-${String(input.month).padStart(2, '0')}`;
  return {
    clients_id: msp.id,
    year: input.year,
    month: input.month,
    format: input.format,
    currency,
    filename: `psa-${msp.id}-${month}.${input.format === 'csv' ? 'csv' : 'jsonl'}`,
    content_type: input.format === 'csv' ? 'text/csv' : 'application/x-ndjson',
    content: render(input.format, lines, currency),
    lines,
    totals: { extended_price: total('extended_price'), extended_cost: total('extended_cost'), margin: total('margin') },
  };
}
