import { eq } from 'drizzle-orm';
import { contracts } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadContractInScope } from './contract-record.ts';

/** Deletes a contract and its coverage; returns the rows changed. */
export async function deleteContract(ctx: Context, id: number): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const contract = await loadContractInScope(tx, ctx, id);
    await tx.delete(contracts).where(eq(contracts.id, contract.id));
    await recordAudit(tx, ctx, { action: 'delete', entity: 'contract', entityId: id, scopePath: contract.mspPath, data: { contract_number: contract.contractNumber } });
    return 1;
  });
}
