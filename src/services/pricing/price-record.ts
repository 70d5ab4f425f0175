import { Decimal } from 'decimal.js';
import { priceEntries } from '../../db/schema.ts';

export type PriceEntryRow = typeof priceEntries.$inferSelect;

export function presentPriceEntry(row: PriceEntryRow, currency: string) {
  return {
    id: row.id,
    layer: row.layer,
    clients_id: row.clientsId,
    companies_id: row.companiesId,
    products_id: row.productsId,
    unit_price: new Decimal(row.unitPrice).toFixed(),
    currency,
    effective_at: row.effectiveAt,
    created_at: row.createdAt,
  };
}
