import { Decimal } from 'decimal.js';
import { quantityLedger } from '../../db/schema.ts';

export type LedgerRow = typeof quantityLedger.$inferSelect;

/** A ledger row as the native API shows it; quantities are exact decimal strings. */
export function presentLedgerRow(row: LedgerRow, duplicate = false) {
  return {
    id: row.id,
    clients_id: row.clientsId,
    products_id: row.productsId,
    effective_at: row.effectiveAt,
    quantity: new Decimal(row.quantity).toFixed(),
    recorded_at: row.recordedAt,
    source: row.source,
    event_id: row.eventId,
    detail: row.detail,
    note: row.note,
    ...(duplicate && { duplicate: true }),
  };
}

/** Only distributors' MSPs and their companies hold products; a distributor itself holds nothing. */
export const HOLDING_KINDS = new Set(['msp', 'company']);
