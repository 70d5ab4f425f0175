import { eq } from 'drizzle-orm';
import { contracts } from '../../db/schema.ts';
import { conflict } from '../../api/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { checkCoverage, loadContractInScope, replaceCoverage } from './contract-record.ts';

export interface UpdateContractInput {
  id: number;
  contract_number?: string;
  cid?: string;
  name?: string | null;
  status?: 'ACTIVE' | 'EXPIRED' | 'CANCELLED';
  bp_account_id?: number | null;
  tenant_id?: string | null;
  products?: number[];
  companies?: number[];
}

/** Changes a contract or what it covers (a list given replaces the old one); returns the rows changed. */
export async function updateContract(ctx: Context, input: UpdateContractInput): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const contract = await loadContractInScope(tx, ctx, input.id);
    await checkCoverage(tx, contract.clientsId, input);
    const changes = {
      ...(input.contract_number !== undefined && { contractNumber: input.contract_number }),
      ...(input.cid !== undefined && { cid: input.cid }),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.status !== undefined && { status: input.status }),
      ...(input.bp_account_id !== undefined && { bpAccountId: input.bp_account_id }),
      ...(input.tenant_id !== undefined && { tenantId: input.tenant_id }),
    };
    if (Object.keys(changes).length === 0 && !input.products && !input.companies) return 0;
    try {
      await tx.update(contracts).set({ ...changes, updatedAt: ctx.now() }).where(eq(contracts.id, contract.id));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`The MSP already has contract ${input.contract_number}`);
      throw error;
    }
    await replaceCoverage(tx, contract.id, input);
    await recordAudit(tx, ctx, { action: 'update', entity: 'contract', entityId: contract.id, scopePath: contract.mspPath, data: { fields: Object.keys({ ...changes, ...(input.products && { products: 1 }), ...(input.companies && { companies: 1 }) }) } });
    return 1;
  });
}
