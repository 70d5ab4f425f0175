import { and, asc, eq, lte, notInArray } from 'drizzle-orm';
import { accounts } from '../../db/schema.ts';
import { scheduledEvent } from '../../domain/lifecycle.ts';
import type { Context } from '../context.ts';
import { accountState } from './account-record.ts';
import { transitionAccount } from './apply-account-event.ts';

const BATCH = 100;

/**
 * The time-driven transitions (trial end, term end, purge after retention) that are due at `now`,
 * catching up on everything missed while no instance ran: an account whose trial ended a year ago
 * expires and is then purged in the same run. Each account changes in its own transaction under its
 * row lock, and the domain refuses an event whose moment has not come, so an account another
 * instance has just moved is left alone. Answers how many transitions were applied.
 */
export async function applyDueTransitions(ctx: Context): Promise<number> {
  const now = ctx.now();
  const leftAlone = new Set<number>();
  let applied = 0;
  for (;;) {
    const due = await ctx.db.orm
      .select({ clientsId: accounts.clientsId })
      .from(accounts)
      .where(and(lte(accounts.dueAt, now), leftAlone.size ? notInArray(accounts.clientsId, [...leftAlone]) : undefined))
      .orderBy(asc(accounts.dueAt), asc(accounts.clientsId))
      .limit(BATCH);
    if (due.length === 0) return applied;
    for (const { clientsId } of due) {
      try {
        const outcome = await ctx.db.orm.transaction(async (tx) => {
          const [row] = await tx.select().from(accounts).where(eq(accounts.clientsId, clientsId)).for('update');
          const next = row && scheduledEvent(accountState(row));
          if (!next || next.at > now) return null;
          return transitionAccount(tx, ctx, clientsId, { type: next.type, now });
        });
        if (!outcome) {
          leftAlone.add(clientsId);
          continue;
        }
        for (const announce of outcome.afterCommit) announce();
        applied++;
      } catch (error) {
        // One account that cannot move must not hold up the others; the next run tries it again.
        ctx.log.error({ err: error, clients_id: clientsId }, 'account lifecycle transition failed');
        leftAlone.add(clientsId);
      }
    }
  }
}
