import { and, eq, ne, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/connection.ts';
import { clients } from '../db/schema.ts';
import { AppError, notFound, unauthorized } from '../api/errors.ts';
import type { Context, Principal } from './context.ts';

// The single place where reseller scoping is decided: every read and write of a
// reseller-limited entity filters through these functions.

export function requirePrincipal(ctx: Context): Principal {
  if (!ctx.principal) throw unauthorized();
  return ctx.principal;
}

/** A condition restricting a hierarchy path column to the caller's subtree; undefined when unlimited. */
export function withinScope(ctx: Context, pathColumn: AnyPgColumn): SQL | undefined {
  const scope = requirePrincipal(ctx).scope;
  if (!scope) return undefined;
  return sql`${pathColumn} LIKE ${scope.path + '%'}`;
}

/**
 * The accounts a caller may see: those of its subtree and, for a distributor's vendor credential,
 * only the accounts made under that vendor (a distributor may sell under several vendor names).
 */
export function accountsWithinScope(ctx: Context, pathColumn: AnyPgColumn, vendorColumn: AnyPgColumn): SQL | undefined {
  const vendor = requirePrincipal(ctx).vendor;
  return and(withinScope(ctx, pathColumn), vendor === undefined ? undefined : eq(vendorColumn, vendor));
}

/** The caller's subtree as a LIKE pattern for a prepared query's placeholder; '%' (every path) when unlimited. */
export function scopePattern(ctx: Context): string {
  const scope = requirePrincipal(ctx).scope;
  return scope ? scope.path + '%' : '%';
}

/** Whether a hierarchy path lies in the caller's subtree. */
export function isPathInScope(ctx: Context, path: string): boolean {
  const scope = requirePrincipal(ctx).scope;
  return !scope || path.startsWith(scope.path);
}

export type ClientRow = typeof clients.$inferSelect;

/** Loads a client the caller may see; one outside the subtree answers exactly as a missing one. */
export async function loadClientInScope(executor: Executor, ctx: Context, id: number, options: { forUpdate?: boolean } = {}): Promise<ClientRow> {
  const query = executor
    .select()
    .from(clients)
    .where(and(eq(clients.id, id), ne(clients.status, 'deleted'), withinScope(ctx, clients.path)));
  const [row] = options.forUpdate ? await query.for('update') : await query;
  if (!row) throw notFound(`Client ${id}`);
  return row;
}

/** Installation-wide entities (currencies, rates, catalog) are written only by unlimited users. */
export function requireUnlimited(ctx: Context): void {
  if (requirePrincipal(ctx).scope) {
    throw new AppError('unprocessable', 'Only a user not limited to a reseller may change installation-wide data', {
      name: 'PermissionDenied',
    });
  }
}
