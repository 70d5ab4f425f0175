import { and, count, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '../../db/schema.ts';
import type { Context } from '../context.ts';
import { requirePrincipal } from '../scope.ts';

export interface SearchAuditInput {
  limit: number;
  offset: number;
  entity?: string;
  entity_id?: string;
  users_id?: number;
  action?: string;
  face?: string;
  from?: Date;
  to?: Date;
}

/** The audit trail the caller may see: entries of its subtree (installation-wide entries only for unlimited users). */
export async function searchAudit(ctx: Context, input: SearchAuditInput) {
  const scope = requirePrincipal(ctx).scope;
  const filters: (SQL | undefined)[] = [scope ? sql`${auditLog.scopePath} LIKE ${scope.path + '%'}` : undefined];
  if (input.entity !== undefined) filters.push(eq(auditLog.entity, input.entity));
  if (input.entity_id !== undefined) filters.push(eq(auditLog.entityId, input.entity_id));
  if (input.users_id !== undefined) filters.push(eq(auditLog.usersId, input.users_id));
  if (input.action !== undefined) filters.push(eq(auditLog.action, input.action));
  if (input.face !== undefined) filters.push(eq(auditLog.face, input.face));
  if (input.from !== undefined) filters.push(gte(auditLog.at, input.from));
  if (input.to !== undefined) filters.push(lt(auditLog.at, input.to));
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    ctx.db.orm.select().from(auditLog).where(where).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(input.limit).offset(input.offset),
    ctx.db.orm.select({ total: count() }).from(auditLog).where(where),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      at: row.at,
      users_id: row.usersId,
      api_keys_id: row.apiKeysId,
      face: row.face,
      method: row.method,
      action: row.action,
      entity: row.entity,
      entity_id: row.entityId,
      data: row.data,
    })),
    total: Number(total),
  };
}
