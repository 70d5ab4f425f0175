import { gaugeLedger } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';

/** Records a company gauge (invited users, maximum allowed users) from `effective_at`. */
export async function setGauge(ctx: Context, input: { clients_id: number; gauge: 'invited_users' | 'max_users'; value: number; effective_at?: Date }) {
  return ctx.db.orm.transaction(async (tx) => {
    const client = await loadClientInScope(tx, ctx, input.clients_id);
    if (client.kind !== 'company') throw invalid('Gauges belong to managed companies');
    const now = ctx.now();
    const [row] = await tx
      .insert(gaugeLedger)
      .values({
        clientsId: client.id,
        gauge: input.gauge,
        value: input.value,
        effectiveAt: input.effective_at ?? now,
        recordedAt: now,
        source: 'api',
        usersId: ctx.principal?.usersId ?? null,
      })
      .returning();
    await recordAudit(tx, ctx, { action: 'set', entity: 'gauge', entityId: row.id, scopePath: client.path, data: { gauge: row.gauge, value: row.value } });
    return { id: row.id, clients_id: row.clientsId, gauge: row.gauge, value: row.value, effective_at: row.effectiveAt, recorded_at: row.recordedAt };
  });
}
