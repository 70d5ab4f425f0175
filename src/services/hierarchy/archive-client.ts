import { eq } from 'drizzle-orm';
import { clients } from '../../db/schema.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';

/** Archives a client: it stays readable but stops counting as active. Returns the rows changed. */
export async function archiveClient(ctx: Context, id: number): Promise<number> {
  return ctx.db.orm.transaction(async (tx) => {
    const client = await loadClientInScope(tx, ctx, id, { forUpdate: true });
    if (client.status === 'archived') return 0;
    const now = ctx.now();
    await tx.update(clients).set({ status: 'archived', archivedAt: now, updatedAt: now }).where(eq(clients.id, id));
    await recordAudit(tx, ctx, { action: 'archive', entity: 'client', entityId: id, scopePath: client.path });
    return 1;
  });
}
