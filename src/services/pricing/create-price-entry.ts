import { priceEntries } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import { loadProduct } from '../catalog/product-record.ts';
import type { Context } from '../context.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import { loadClientInScope } from '../scope.ts';
import { presentPriceEntry } from './price-record.ts';

export interface CreatePriceEntryInput {
  layer: 'cost' | 'sell';
  /** The MSP whose price book this is. */
  clients_id: number;
  /** A company of that MSP, for a per-company override. */
  companies_id?: number;
  products_id: number;
  unit_price: string;
  effective_at?: Date;
}

/**
 * Sets a price in an MSP's cost or sell book, from the first month starting on or after
 * `effective_at` (so one statement line never has two prices). Prices are in the MSP's currency.
 */
export async function createPriceEntry(ctx: Context, input: CreatePriceEntryInput) {
  return ctx.db.orm.transaction(async (tx) => {
    const msp = await loadClientInScope(tx, ctx, input.clients_id);
    if (msp.kind !== 'msp') throw invalid('Price books belong to MSPs: clients_id must be an MSP');
    let scopePath = msp.path;
    if (input.companies_id !== undefined) {
      const company = await loadClientInScope(tx, ctx, input.companies_id);
      if (company.resellersId !== msp.id) throw invalid(`Company ${company.id} is not managed by MSP ${msp.id}`);
      scopePath = company.path;
    }
    await loadProduct(tx, input.products_id);
    const now = ctx.now();
    const [row] = await tx
      .insert(priceEntries)
      .values({
        layer: input.layer,
        clientsId: msp.id,
        companiesId: input.companies_id ?? null,
        productsId: input.products_id,
        unitPrice: input.unit_price,
        effectiveAt: input.effective_at ?? now,
        createdAt: now,
        usersId: ctx.principal?.usersId ?? null,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'create',
      entity: 'price_entry',
      entityId: row.id,
      scopePath,
      data: { layer: row.layer, products_id: row.productsId, unit_price: row.unitPrice, companies_id: row.companiesId },
    });
    return presentPriceEntry(row, await currencyCodeOf(tx, msp.currenciesId));
  });
}
