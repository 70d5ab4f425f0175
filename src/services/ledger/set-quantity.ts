import { and, eq } from 'drizzle-orm';
import { quantityLedger } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import { loadProduct } from '../catalog/product-record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { HOLDING_KINDS, presentLedgerRow } from './ledger-record.ts';

export interface SetQuantityInput {
  clients_id: number;
  products_id: number;
  quantity: string;
  effective_at?: Date;
  source?: string;
  event_id?: string;
  detail?: string;
  note?: string;
}

/**
 * Records what a client holds of a product from `effective_at` (now by default; backdating allowed).
 * A repeated `event_id` from the same source is acknowledged with the first row and writes nothing.
 */
export async function setQuantity(ctx: Context, input: SetQuantityInput) {
  return ctx.db.orm.transaction(async (tx) => {
    const client = await loadClientInScope(tx, ctx, input.clients_id);
    if (!HOLDING_KINDS.has(client.kind)) throw invalid(`A ${client.kind} holds no products: record quantities on its MSPs or companies`);
    await loadProduct(tx, input.products_id);
    const source = input.source ?? 'api';
    const now = ctx.now();
    const [row] = await tx
      .insert(quantityLedger)
      .values({
        clientsId: client.id,
        productsId: input.products_id,
        effectiveAt: input.effective_at ?? now,
        quantity: input.quantity,
        recordedAt: now,
        source,
        eventId: input.event_id ?? null,
        detail: input.detail ?? null,
        note: input.note ?? null,
        usersId: ctx.principal?.usersId ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      const [first] = await tx
        .select()
        .from(quantityLedger)
        .where(and(eq(quantityLedger.source, source), eq(quantityLedger.eventId, input.event_id!)));
      return presentLedgerRow(first, true);
    }
    await recordAudit(tx, ctx, {
      action: 'set',
      entity: 'quantity',
      entityId: row.id,
      scopePath: client.path,
      data: { clients_id: client.id, products_id: row.productsId, quantity: row.quantity, effective_at: row.effectiveAt.toISOString() },
    });
    return presentLedgerRow(row);
  });
}
