import type { Executor } from '../../db/connection.ts';
import { auditLog } from '../../db/schema.ts';
import type { Context } from '../context.ts';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string | number | null;
  /** The hierarchy path of the entity, so audit reads use the same subtree filter as everything else. */
  scopePath: string | null;
  data?: Record<string, unknown>;
}

/** Records who did what, through which face, in the caller's transaction. */
export async function recordAudit(executor: Executor, ctx: Context, entry: AuditEntry): Promise<void> {
  await executor.insert(auditLog).values({
    at: ctx.now(),
    usersId: ctx.principal?.usersId ?? null,
    apiKeysId: ctx.principal?.apiKeysId ?? null,
    face: ctx.face,
    method: ctx.method,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId === null ? null : String(entry.entityId),
    scopePath: entry.scopePath,
    data: entry.data ?? {},
  });
}
