import { Decimal } from 'decimal.js';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { queryRows } from '../../db/connection.ts';
import { clients, products } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';
import { HOLDING_KINDS } from './ledger-record.ts';

export const MAX_IMPORT_ROWS = 10_000;
// PostgreSQL allows 65,535 bind parameters per statement: clients are looked up in chunks.
const LOOKUP_CHUNK = 5000;

export interface ImportRow {
  clients_id: number;
  products_id: number;
  quantity: string;
  effective_at?: Date;
  event_id?: string;
  detail?: string;
  note?: string;
}

export interface RowError {
  row: number;
  field: string;
  message: string;
}

/**
 * Imports up to 10,000 ledger rows all-or-nothing: every row is checked first and any error is
 * reported per row with nothing written. Rows whose `event_id` the source already sent are
 * acknowledged as duplicates, so a retried import never counts twice.
 */
export async function importQuantities(ctx: Context, input: { source: string; rows: ImportRow[] }) {
  if (input.rows.length > MAX_IMPORT_ROWS) throw invalid(`At most ${MAX_IMPORT_ROWS} rows per import`);
  return ctx.db.orm.transaction(async (tx) => {
    const clientIds = [...new Set(input.rows.map((row) => row.clients_id))];
    const productIds = [...new Set(input.rows.map((row) => row.products_id))];
    const visible = new Map<number, { kind: string; path: string }>();
    for (let start = 0; start < clientIds.length; start += LOOKUP_CHUNK) {
      const found = await tx
        .select({ id: clients.id, kind: clients.kind, path: clients.path })
        .from(clients)
        .where(and(inArray(clients.id, clientIds.slice(start, start + LOOKUP_CHUNK)), ne(clients.status, 'deleted'), withinScope(ctx, clients.path)));
      for (const client of found) visible.set(client.id, client);
    }
    const known = new Set(
      productIds.length
        ? (await tx.select({ id: products.id }).from(products).where(and(inArray(products.id, productIds), eq(products.status, 'active')))).map((p) => p.id)
        : [],
    );
    const errors: RowError[] = [];
    const seenEvents = new Set<string>();
    input.rows.forEach((row, index) => {
      const client = visible.get(row.clients_id);
      if (!client) errors.push({ row: index, field: 'clients_id', message: `Client ${row.clients_id} not found` });
      else if (!HOLDING_KINDS.has(client.kind)) errors.push({ row: index, field: 'clients_id', message: `A ${client.kind} holds no products` });
      if (!known.has(row.products_id)) errors.push({ row: index, field: 'products_id', message: `Product ${row.products_id} not found` });
      if (row.event_id !== undefined) {
        if (seenEvents.has(row.event_id)) errors.push({ row: index, field: 'event_id', message: `event_id ${row.event_id} appears twice in this import` });
        seenEvents.add(row.event_id);
      }
    });
    if (errors.length) throw invalid(`${errors.length} row error(s); nothing was imported`, { errors: errors.slice(0, 1000), error_count: errors.length });

    // One statement for the whole import, its rows as one JSON parameter: building a multi-row VALUES
    // list costs more than the insert itself, and bind parameters would cap it at 65,535 / 10 rows.
    // Rows keep their order (`n`), so ids follow the import as a multi-row insert's would.
    const now = ctx.now();
    const usersId = ctx.principal?.usersId ?? null;
    const rows = JSON.stringify(
      input.rows.map((row, n) => ({
        n,
        clients_id: row.clients_id,
        products_id: row.products_id,
        effective_at: (row.effective_at ?? now).toISOString(),
        quantity: row.quantity,
        event_id: row.event_id ?? null,
        detail: row.detail ?? null,
        note: row.note ?? null,
      })),
    );
    const [{ inserted }] = await queryRows<{ inserted: number }>(
      tx,
      sql`WITH written AS (
            INSERT INTO quantity_ledger (clients_id, products_id, effective_at, quantity, recorded_at, source, event_id, detail, note, users_id)
            SELECT r.clients_id, r.products_id, r.effective_at, r.quantity, ${now.toISOString()}::timestamptz, ${input.source}, r.event_id, r.detail, r.note, ${usersId}::bigint
            FROM json_to_recordset(${rows}::json)
              AS r(n integer, clients_id bigint, products_id integer, effective_at timestamptz, quantity numeric, event_id text, detail text, note text)
            ORDER BY r.n
            ON CONFLICT DO NOTHING
            RETURNING 1
          )
          SELECT count(*)::int AS inserted FROM written`,
    );
    const total = input.rows.reduce((sum, row) => sum.plus(row.quantity), new Decimal(0));
    await recordAudit(tx, ctx, {
      action: 'import',
      entity: 'quantity',
      entityId: null,
      scopePath: ctx.principal?.scope?.path ?? null,
      data: { source: input.source, received: input.rows.length, inserted, clients: clientIds.length, quantity_sum: total.toFixed() },
    });
    return { received: input.rows.length, inserted, duplicates: input.rows.length - inserted };
  });
}

