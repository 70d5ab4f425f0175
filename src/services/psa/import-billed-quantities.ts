import { parse } from 'csv-parse/sync';
import { and, eq, inArray, or } from 'drizzle-orm';
import { clients, products } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { parseQuantity, parseMoney } from '../../domain/money.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { upsertReconciliation } from './reconciliation-record.ts';

/**
 * Imports what a PSA billed for an MSP's month from a CSV with a header: the company as
 * `company_id` (or `company_name`), the product as `products_id` (or `sku`), `quantity`, and
 * optionally `unit_price`. Seatledger's own PSA export reads back as is. All rows or none.
 */
export async function importBilledQuantities(ctx: Context, input: { clients_id: number; year: number; month: number; csv: string }) {
  let records: Record<string, string>[];
  try {
    records = parse(input.csv, { columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()), skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw invalid(`The CSV cannot be read: ${(error as Error).message}`);
  }
  return ctx.db.orm.transaction(async (tx) => {
    const msp = await loadClientInScope(tx, ctx, input.clients_id);
    if (msp.kind !== 'msp') throw invalid('clients_id must be an MSP');
    const companies = await tx.select().from(clients).where(and(eq(clients.resellersId, msp.id), eq(clients.kind, 'company')));
    const skus = records.map((record) => record.sku).filter(Boolean);
    const ids = records.map((record) => Number(record.products_id)).filter((id) => Number.isInteger(id) && id > 0);
    const catalog = await tx
      .select({ id: products.id, sku: products.sku })
      .from(products)
      .where(or(ids.length ? inArray(products.id, ids) : undefined, skus.length ? inArray(products.sku, skus) : undefined));
    const errors: { row: number; message: string }[] = [];
    const rows = records.map((record, index) => {
      const line = index + 2;
      const company = record.company_id
        ? companies.find((candidate) => String(candidate.id) === record.company_id)
        : companies.find((candidate) => candidate.name.toLowerCase() === (record.company_name ?? '').toLowerCase());
      const product = record.products_id ? catalog.find((candidate) => String(candidate.id) === record.products_id) : catalog.find((candidate) => candidate.sku === record.sku);
      const quantity = parseQuantity(record.quantity ?? '');
      const price = record.unit_price ? parseMoney(record.unit_price) : null;
      if (!company) errors.push({ row: line, message: `No company ${record.company_id ?? record.company_name ?? ''} under MSP ${msp.id}` });
      if (!product) errors.push({ row: line, message: `No product ${record.products_id ?? record.sku ?? ''}` });
      if (!quantity.ok) errors.push({ row: line, message: `quantity: ${quantity.reason}` });
      if (price && !price.ok) errors.push({ row: line, message: `unit_price: ${price.reason}` });
      return { company, product, quantity, price };
    });
    if (errors.length) throw invalid(`${errors.length} row error(s); nothing was imported`, { errors });
    for (const { company, product, quantity, price } of rows) {
      await upsertReconciliation(tx, ctx, company!, {
        clients_id: company!.id,
        products_id: product!.id,
        year: input.year,
        month: input.month,
        psa_quantity: quantity.ok ? quantity.value.toFixed() : null,
        ...(price?.ok && { psa_unit_price: price.value.toFixed() }),
      }, 'csv');
    }
    await recordAudit(tx, ctx, { action: 'import', entity: 'psa_reconciliation', entityId: null, scopePath: msp.path, data: { year: input.year, month: input.month, rows: rows.length } });
    return { imported: rows.length };
  });
}
