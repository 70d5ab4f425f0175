import type { Decimal } from 'decimal.js';
import { roundHalfUp, toPriceString } from '../../domain/money.ts';
import type { CompanyStatement, StatementLine } from '../../domain/statement.ts';
import type { ComputedStatement, StatedLine } from './compute-statement.ts';

const exact = (value: Decimal) => value.toFixed();
const money = (value: Decimal) => value.toFixed(2);

function presentLine(line: StatementLine) {
  return {
    products_id: line.productId,
    product_name: line.productName,
    unit: line.billingUnit,
    quantity: exact(line.quantity),
    unit_price: toPriceString(line.unitPrice),
    avg_monthly_cost: money(line.avgMonthlyCost),
    ...(line.adjusts && {
      adjusts: {
        month: line.adjusts.month,
        billed: money(line.adjusts.billed),
        rerated: money(line.adjusts.rerated),
        previously_adjusted: money(line.adjusts.previouslyAdjusted),
      },
    }),
    ...((line as StatedLine).details && {
      details: (line as StatedLine).details!.map((consumer) => ({ detail: consumer.detail, quantity: exact(consumer.quantity) })),
    }),
    breakdown: line.breakdown.map((item) => ({
      from: item.from,
      to: item.to,
      quantity: exact(item.quantity),
      // The exact fraction is usually a repeating decimal: 12 places explain any line to the cent.
      fraction: roundHalfUp(item.fraction, 12).toFixed(),
    })),
  };
}

function presentHolder(holder: CompanyStatement) {
  return { clients_id: Number(holder.companyId), name: holder.companyName, total: money(holder.total), lines: holder.lines.map(presentLine) };
}

/** The native statement: exact decimal strings, each line with its `breakdown`. */
export function presentStatement(computed: ComputedStatement, currency: string, status: 'draft' | 'due' | 'closed') {
  const { msp, period, statement } = computed;
  return {
    clients_id: msp.id,
    year: period.year,
    month: period.month,
    status,
    currency,
    billing_time_zone: msp.billingTimeZone,
    period_start: period.start,
    period_end: period.end,
    companies: statement.mcItems.map(presentHolder),
    msp_item: statement.mspItem ? presentHolder(statement.mspItem) : null,
    sub_total: money(statement.subTotal),
    tax_rate: statement.taxRate.toFixed(),
    tax: money(statement.tax),
    total: money(statement.total),
  };
}
