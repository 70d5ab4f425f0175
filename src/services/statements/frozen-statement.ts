import { Decimal } from 'decimal.js';
import type { Statement } from '../../domain/statement.ts';

// A statement frozen at close is stored as JSON: decimals as exact strings, instants as ISO text.
// Reading it back gives the same domain value, so re-rating and adjustments compare like with like.

const DECIMAL_FIELDS = new Set(['quantity', 'unitPrice', 'avgMonthlyCost', 'fraction', 'total', 'subTotal', 'taxRate', 'tax', 'billed', 'rerated', 'previouslyAdjusted']);
const DATE_FIELDS = new Set(['from', 'to']);

/**
 * The frozen statement as JSON text, ready for the jsonb column (built once, however large).
 * NOTE: no replacer: JSON.stringify calls a Decimal's own toJSON (its exact string) before any
 * replacer could see it, and a replacer function costs more than the rest of the serialisation.
 */
export function frozenStatementText(statement: Statement): string {
  return JSON.stringify(statement);
}

export function freezeStatement(statement: Statement): Record<string, unknown> {
  return JSON.parse(frozenStatementText(statement));
}

export function thawStatement(body: unknown): Statement {
  return JSON.parse(JSON.stringify(body), (key, value) => {
    if (typeof value === 'string' && DECIMAL_FIELDS.has(key)) return new Decimal(value);
    if (typeof value === 'string' && DATE_FIELDS.has(key)) return new Date(value);
    return value;
  }) as Statement;
}
