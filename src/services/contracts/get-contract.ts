import type { Context } from '../context.ts';
import { loadContractInScope, loadCoverage, presentContract } from './contract-record.ts';

/** One contract, with what it covers. */
export async function getContract(ctx: Context, id: number) {
  const row = await loadContractInScope(ctx.db.orm, ctx, id);
  return presentContract(row, (await loadCoverage(ctx.db.orm, [row.id])).get(row.id)!);
}
