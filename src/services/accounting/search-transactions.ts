import { and, count, desc, eq, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { clients, currencies, transactions } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import { presentTransaction } from './create-transaction.ts';

/** Money movements of clients in the caller's subtree, newest first. */
export async function searchTransactions(ctx: Context, input: { limit: number; offset: number; clients_id?: number; kind?: 'postpaid' | 'prepaid' }) {
  const filters: (SQL | undefined)[] = [withinScope(ctx, clients.path)];
  if (input.clients_id !== undefined) filters.push(eq(transactions.clientsId, input.clients_id));
  if (input.kind !== undefined) filters.push(eq(transactions.kind, input.kind));
  const where = and(...filters);
  const clientCurrency = alias(currencies, 'client_currency');
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm
      .select({ row: transactions, code: currencies.code, clientCode: clientCurrency.code })
      .from(transactions)
      .innerJoin(clients, eq(clients.id, transactions.clientsId))
      .innerJoin(currencies, eq(currencies.id, transactions.currenciesId))
      .innerJoin(clientCurrency, eq(clientCurrency.id, clients.currenciesId))
      .where(where)
      .orderBy(desc(transactions.id))
      .limit(input.limit)
      .offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(transactions).innerJoin(clients, eq(clients.id, transactions.clientsId)).where(where),
  ]);
  return { items: rows.map(({ row, code, clientCode }) => presentTransaction(row, code, clientCode)), total: Number(total) };
}
