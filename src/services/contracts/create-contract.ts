import { contracts } from '../../db/schema.ts';
import { conflict, invalid } from '../../api/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { checkCoverage, presentContract, replaceCoverage } from './contract-record.ts';

export interface CreateContractInput {
  clients_id: number;
  contract_number: string;
  cid?: string;
  name?: string | null;
  status?: 'ACTIVE' | 'EXPIRED' | 'CANCELLED';
  bp_account_id?: number | null;
  tenant_id?: string | null;
  products?: number[];
  companies?: number[];
}

/** Creates an MSP contract covering some products and (by default all) companies. */
export async function createContract(ctx: Context, input: CreateContractInput) {
  return ctx.db.orm.transaction(async (tx) => {
    const msp = await loadClientInScope(tx, ctx, input.clients_id);
    if (msp.kind !== 'msp') throw invalid('Contracts belong to MSPs: clients_id must be an MSP');
    const coverage = { products: input.products ?? [], companies: input.companies ?? [] };
    await checkCoverage(tx, msp.id, coverage);
    const now = ctx.now();
    let row;
    try {
      [row] = await tx
        .insert(contracts)
        .values({
          clientsId: msp.id,
          contractNumber: input.contract_number,
          // Unless given, the CID is the leading part of a number like 123678-USD-01 (123678).
          cid: input.cid ?? input.contract_number.split('-')[0],
          name: input.name ?? null,
          status: input.status ?? 'ACTIVE',
          bpAccountId: input.bp_account_id ?? null,
          tenantId: input.tenant_id ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`MSP ${msp.id} already has contract ${input.contract_number}`);
      throw error;
    }
    await replaceCoverage(tx, row.id, coverage);
    await recordAudit(tx, ctx, { action: 'create', entity: 'contract', entityId: row.id, scopePath: msp.path, data: { contract_number: row.contractNumber } });
    return presentContract(row, { products: [...coverage.products].sort((a, b) => a - b), companies: [...coverage.companies].sort((a, b) => a - b) });
  });
}
