import { invalid } from '../../api/errors.ts';
import type { Executor } from '../../db/connection.ts';
import type { Context } from '../context.ts';
import { loadClientInScope, type ClientRow } from '../scope.ts';

/** Loads an MSP the caller may see; another kind of client is refused. */
export async function loadMspInScope(executor: Executor, ctx: Context, id: number, options: { forUpdate?: boolean } = {}): Promise<ClientRow> {
  const client = await loadClientInScope(executor, ctx, id, options);
  if (client.kind !== 'msp') throw invalid(`Client ${id} is a ${client.kind}: license tracking is set up per MSP`);
  return client;
}
