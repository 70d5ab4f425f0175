import { and, asc, count, eq, ne, type SQL } from 'drizzle-orm';
import { clients, contracts } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import { loadCoverage, presentContract } from './contract-record.ts';

/** Contracts of the MSPs in the caller's subtree. */
export async function searchContracts(ctx: Context, input: { limit: number; offset: number; clients_id?: number; status?: string; contract_number?: string }) {
  const filters: (SQL | undefined)[] = [ne(clients.status, 'deleted'), withinScope(ctx, clients.path)];
  if (input.clients_id !== undefined) filters.push(eq(contracts.clientsId, input.clients_id));
  if (input.status !== undefined) filters.push(eq(contracts.status, input.status as 'ACTIVE'));
  if (input.contract_number !== undefined) filters.push(eq(contracts.contractNumber, input.contract_number));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm
      .select({ contract: contracts })
      .from(contracts)
      .innerJoin(clients, eq(clients.id, contracts.clientsId))
      .where(where)
      .orderBy(asc(contracts.id))
      .limit(input.limit)
      .offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(contracts).innerJoin(clients, eq(clients.id, contracts.clientsId)).where(where),
  ]);
  const coverage = await loadCoverage(ctx.db.orm, rows.map((row) => row.contract.id));
  return { items: rows.map((row) => presentContract(row.contract, coverage.get(row.contract.id)!)), total: Number(total) };
}
