import { and, eq, ne } from 'drizzle-orm';
import { clients, tenants } from '../../db/schema.ts';
import { summarizeFigures } from '../../domain/leakage.ts';
import { toWireString } from '../../domain/money.ts';
import type { Context } from '../context.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import { withinScope } from '../scope.ts';
import { loadMspInScope } from './msp-record.ts';
import { describeTenants } from './tenant-figures.ts';

/** An MSP's account-wide license totals over its connected tenants. */
export async function getLicenseSummary(ctx: Context, input: { clients_id: number }) {
  const msp = await loadMspInScope(ctx.db.orm, ctx, input.clients_id);
  const rows = await ctx.db.orm
    .select({ tenant: tenants, company: clients })
    .from(tenants)
    .innerJoin(clients, eq(clients.id, tenants.clientsId))
    .where(and(eq(clients.resellersId, msp.id), ne(clients.status, 'deleted'), eq(tenants.connectionStatus, 'connected'), withinScope(ctx, clients.path)));
  const views = await describeTenants(ctx.db.orm, rows, ctx.now());
  const summary = summarizeFigures(views.map((view) => view.figures));
  return {
    clients_id: msp.id,
    tenants: summary.tenants,
    total_licenses: summary.totalLicenses,
    assigned_licenses: summary.assignedLicenses,
    unassigned_licenses: summary.unassignedLicenses,
    inactive_users: summary.inactiveUsers,
    estimated_monthly_cost: toWireString(summary.estimatedMonthlyCost, 2),
    estimated_monthly_leakage: toWireString(summary.estimatedMonthlyLeakage, 2),
    currency: await currencyCodeOf(ctx.db.orm, msp.currenciesId),
  };
}
