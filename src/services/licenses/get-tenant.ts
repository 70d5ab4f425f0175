import type { Context } from '../context.ts';
import { presentTenant } from './present-tenant.ts';
import { describeTenants } from './tenant-figures.ts';
import { loadTenantInScope } from './tenant-record.ts';

/** One tenant with its SKUs priced and its license figures as of now. */
export async function getTenant(ctx: Context, id: number) {
  const row = await loadTenantInScope(ctx.db.orm, ctx, id);
  const [view] = await describeTenants(ctx.db.orm, [row], ctx.now());
  return presentTenant(view);
}
