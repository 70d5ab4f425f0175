import { eq } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { clients } from '../../db/schema.ts';

/** The hierarchy path of a user's or key's limit, for the audit log; null for unlimited. */
export async function loadScopePath(executor: Executor, resellersId: number | null): Promise<string | null> {
  if (resellersId === null) return null;
  const [row] = await executor.select({ path: clients.path }).from(clients).where(eq(clients.id, resellersId));
  return row?.path ?? null;
}
