import type { Logger } from 'pino';
import type { Database, Executor } from '../db/connection.ts';
import type { JobRequest } from '../db/jobs.ts';

/** Who is calling: a credential resolved to a user and the node of the hierarchy it is limited to. */
export interface Principal {
  usersId: number;
  login: string;
  apiKeysId: number | null;
  /** The subtree this principal may see; null means the whole installation. */
  scope: { clientsId: number; path: string } | null;
  timeZone: string | null;
  roles: string[];
  access: number;
  /** For a distributor's vendor credential, its vendor name: the credential sees that vendor's accounts only. */
  vendor?: string;
}

/** Everything a service needs, passed explicitly; time comes only from `now()`. */
export interface Context {
  db: Database;
  principal: Principal | null;
  now(): Date;
  log: Logger;
  /** Which face or transport the call came through, for the audit log. */
  face: string;
  /** The method name the caller used, for the audit log. */
  method: string;
  /** The zone incoming local datetimes are read in and outgoing ones written in. */
  zone: string;
  enqueue(executor: Executor, job: JobRequest): Promise<void>;
}
