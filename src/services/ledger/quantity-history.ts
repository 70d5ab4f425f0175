import { and, asc, count, eq, gte, lt, type SQL } from 'drizzle-orm';
import { quantityLedger } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { presentLedgerRow } from './ledger-record.ts';

export interface QuantityHistoryInput {
  clients_id: number;
  products_id?: number;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** A client's ledger rows in effective order (equal instants in recording order: the last one holds). */
export async function quantityHistory(ctx: Context, input: QuantityHistoryInput) {
  const client = await loadClientInScope(ctx.db.orm, ctx, input.clients_id);
  const filters: (SQL | undefined)[] = [eq(quantityLedger.clientsId, client.id)];
  if (input.products_id !== undefined) filters.push(eq(quantityLedger.productsId, input.products_id));
  if (input.from !== undefined) filters.push(gte(quantityLedger.effectiveAt, input.from));
  if (input.to !== undefined) filters.push(lt(quantityLedger.effectiveAt, input.to));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm
      .select()
      .from(quantityLedger)
      .where(where)
      .orderBy(asc(quantityLedger.productsId), asc(quantityLedger.effectiveAt), asc(quantityLedger.recordedAt), asc(quantityLedger.id))
      .limit(input.limit)
      .offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(quantityLedger).where(where),
  ]);
  return { items: rows.map((row) => presentLedgerRow(row)), total: Number(total) };
}
