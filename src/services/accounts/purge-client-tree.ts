import { inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../../db/connection.ts';
import { idempotencyKeys, users } from '../../db/schema.ts';
import type { ClientRow } from '../scope.ts';

interface ForeignKey {
  child: string;
  childColumn: string;
  parent: string;
  parentColumn: string;
}

// Deep enough for clients → users → api_keys and clients → contracts → contract lines; a deeper chain is a schema mistake.
const MAX_DEPTH = 6;

/** Every single-column foreign key of this schema, as identifiers ready to be written into SQL. */
async function foreignKeys(executor: Executor): Promise<ForeignKey[]> {
  return queryRows<ForeignKey>(executor, sql`
    SELECT con.conrelid::regclass::text AS child, quote_ident(child_column.attname) AS "childColumn",
           con.confrelid::regclass::text AS parent, quote_ident(parent_column.attname) AS "parentColumn"
    FROM pg_constraint con
    JOIN pg_attribute child_column ON child_column.attrelid = con.conrelid AND child_column.attnum = con.conkey[1]
    JOIN pg_attribute parent_column ON parent_column.attrelid = con.confrelid AND parent_column.attnum = con.confkey[1]
    WHERE con.contype = 'f' AND array_length(con.conkey, 1) = 1
      AND con.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`);
}

/**
 * Deletes a client and everything under it, with every row that refers to them (users and their keys,
 * ledger rows, prices, statements, accounts, contracts …), children before parents; answers the rows
 * deleted per table and the users that are gone.
 * NOTE: the rows are found through the schema's foreign keys, so data added by later features is purged
 * too without a list to keep up to date; the audit log has no foreign key and is kept on purpose.
 */
export async function purgeClientTree(executor: Executor, root: ClientRow): Promise<{ deleted: Record<string, number>; usersIds: number[] }> {
  const subtree = sql`SELECT id FROM clients WHERE path LIKE ${root.path + '%'}`;
  const usersIds = (await executor.select({ id: users.id }).from(users).where(sql`${users.resellersId} IN (${subtree})`)).map((row) => row.id);
  const deleted: Record<string, number> = {};
  if (usersIds.length > 0) {
    // Stored answers to idempotent requests carry the purged data too; they have no foreign key.
    deleted.idempotency_keys = (await executor.delete(idempotencyKeys).where(inArray(idempotencyKeys.usersId, usersIds)).returning({ id: idempotencyKeys.id })).length;
  }
  const keys = await foreignKeys(executor);
  const deleteWhere = async (table: string, condition: SQL, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw new Error(`Purging ${root.id}: foreign keys nest deeper than ${MAX_DEPTH} levels at ${table}`);
    for (const key of keys) {
      // A self-reference (clients.resellers_id) is covered by deleting the whole subtree in one statement.
      if (key.parent !== table || key.child === table) continue;
      await deleteWhere(key.child, sql`${sql.raw(key.childColumn)} IN (SELECT ${sql.raw(key.parentColumn)} FROM ${sql.raw(table)} WHERE ${condition})`, depth + 1);
    }
    const [{ count }] = await queryRows<{ count: number | string }>(
      executor,
      sql`WITH gone AS (DELETE FROM ${sql.raw(table)} WHERE ${condition} RETURNING 1) SELECT count(*) AS count FROM gone`,
    );
    if (Number(count) > 0) deleted[table] = (deleted[table] ?? 0) + Number(count);
  };
  await deleteWhere('clients', sql`id IN (${subtree})`, 0);
  return { deleted, usersIds };
}
