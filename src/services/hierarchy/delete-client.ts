import { and, count, eq, ne } from 'drizzle-orm';
import { clients } from '../../db/schema.ts';
import { conflict } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';

/** Deletes a client with no live children. Its ledger history stays for audits; it no longer appears. */
export async function deleteClient(ctx: Context, id: number): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const client = await loadClientInScope(tx, ctx, id, { forUpdate: true });
    const [{ children }] = await tx
      .select({ children: count() })
      .from(clients)
      .where(and(eq(clients.resellersId, id), ne(clients.status, 'deleted')));
    if (Number(children) > 0) throw conflict(`Client ${id} still has ${children} client(s) under it; delete or move them first`);
    const now = ctx.now();
    await tx.update(clients).set({ status: 'deleted', deletedAt: now, updatedAt: now }).where(eq(clients.id, id));
    await recordAudit(tx, ctx, { action: 'delete', entity: 'client', entityId: id, scopePath: client.path });
    return 1;
  });
}
