import type { Database } from '../../db/connection.ts';
import { DEFAULT_GRAPH_SETTINGS, GraphClient, type GraphClientOptions } from './client.ts';

const clients = new WeakMap<Database, GraphClient>();

/** Sets the Graph and login base URLs (GRAPH_BASE_URL, MS_LOGIN_BASE_URL) this installation's syncs use. */
export function configureGraph(db: Database, options: GraphClientOptions): void {
  clients.set(db, new GraphClient(options));
}

/** The Graph client of an installation: Microsoft's own endpoints unless configured otherwise. */
export function graphClientFor(db: Database): GraphClient {
  let client = clients.get(db);
  if (!client) clients.set(db, (client = new GraphClient(DEFAULT_GRAPH_SETTINGS)));
  return client;
}
