
import type { Executor } from '../../db/connection.ts';
import { psaReconciliation } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { loadClientInScope, type ClientRow } from '../scope.ts';

export interface BilledQuantity {
  clients_id: number;
  products_id: number;
  year: number;
  month: number;
  psa_quantity?: string | null;
  psa_unit_price?: string | null;
  status?: 'pending' | 'approved' | 'dismissed';
  note?: string | null;
}

/** A company the caller may see, with its MSP: reconciliation rows are kept per MSP month. */
export async function loadCompanyInScope(executor: Executor, ctx: Context, id: number): Promise<ClientRow> {
  const company = await loadClientInScope(executor, ctx, id);
  if (company.kind !== 'company') throw invalid(`Client ${id} is not a managed company`);
  return company;
}

/**
 * Writes one (company, product, month) row. A new PSA quantity puts it back to pending; a decision
 * records who made it and when.
 */
export async function upsertReconciliation(executor: Executor, ctx: Context, company: ClientRow, input: BilledQuantity, source: string): Promise<void> {
  const now = ctx.now();
  const decided = input.status && input.status !== 'pending';
  await executor
    .insert(psaReconciliation)
    .values({
      mspId: company.resellersId!,
      clientsId: company.id,
      productsId: input.products_id,
      year: input.year,
      month: input.month,
      psaQuantity: input.psa_quantity ?? null,
      psaUnitPrice: input.psa_unit_price ?? null,
      source,
      status: input.status ?? 'pending',
      note: input.note ?? null,
      decidedBy: decided ? (ctx.principal?.usersId ?? null) : null,
      decidedAt: decided ? now : null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [psaReconciliation.clientsId, psaReconciliation.productsId, psaReconciliation.year, psaReconciliation.month],
      set: {
        ...(input.psa_quantity !== undefined && { psaQuantity: input.psa_quantity, status: 'pending', decidedBy: null, decidedAt: null, source }),
        ...(input.psa_unit_price !== undefined && { psaUnitPrice: input.psa_unit_price }),
        ...(input.status !== undefined && {
          status: input.status,
          decidedBy: decided ? (ctx.principal?.usersId ?? null) : null,
          decidedAt: decided ? now : null,
        }),
        ...(input.note !== undefined && { note: input.note }),
        updatedAt: now,
      },
    });
}

