import { invalid } from '../../api/errors.ts';
import type { Executor } from '../../db/connection.ts';
import type { Context } from '../context.ts';
import { loadClientInScope, type ClientRow } from '../scope.ts';

/** Loads a managed company the caller may see; tenants belong to companies only. */
export async function loadCompanyInScope(executor: Executor, ctx: Context, id: number): Promise<ClientRow> {
  const client = await loadClientInScope(executor, ctx, id);
  if (client.kind !== 'company') throw invalid(`Client ${id} is a ${client.kind}: a tenant belongs to a managed company`);
  if (client.status !== 'active') throw invalid(`Client ${id} is ${client.status}`);
  return client;
}
