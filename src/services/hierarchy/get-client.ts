import { and, eq, like, ne, sql } from 'drizzle-orm';
import type { Orm } from '../../db/connection.ts';
import { clients } from '../../db/schema.ts';
import { notFound } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { scopePattern } from '../scope.ts';
import { currencyCodeOf, presentClient } from './client-record.ts';

// NOTE: the most frequent read of the API. Building a drizzle query costs more CPU than the
// database spends answering it, so this one is built once per database and prepared; and a
// currency's code never changes, so it is looked up once rather than joined on every read.
const prepared = new WeakMap<Orm, { client: ReturnType<typeof prepareGetClient>; currencyCodes: Map<number, string> }>();

function prepareGetClient(orm: Orm) {
  return orm
    .select()
    .from(clients)
    .where(and(eq(clients.id, sql.placeholder('id')), ne(clients.status, 'deleted'), like(clients.path, sql.placeholder('scope'))))
    .prepare('clients_get');
}

/** One client in the caller's subtree. */
export async function getClient(ctx: Context, id: number) {
  let queries = prepared.get(ctx.db.orm);
  if (!queries) prepared.set(ctx.db.orm, (queries = { client: prepareGetClient(ctx.db.orm), currencyCodes: new Map() }));
  const [row] = await queries.client.execute({ id, scope: scopePattern(ctx) });
  if (!row) throw notFound(`Client ${id}`);
  let code = queries.currencyCodes.get(row.currenciesId);
  if (code === undefined) queries.currencyCodes.set(row.currenciesId, (code = await currencyCodeOf(ctx.db.orm, row.currenciesId)));
  return presentClient(row, code);
}
