import { eq, sql } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import { clients } from '../../db/schema.ts';
import { conflict, invalid } from '../../api/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { announceCredentialChange } from '../iam/credential-events.ts';
import { loadClientInScope } from '../scope.ts';
import { PARENT_KIND, resolveCurrencyId } from './client-record.ts';

export interface UpdateClientInput {
  id: number;
  name?: string;
  resellers_id?: number;
  email?: string | null;
  country?: string | null;
  credit?: string;
  tax_rate?: string;
  billing_time_zone?: string;
  currencies_id?: number;
  currency?: string;
  sfdc_account_id?: string | null;
  vendor_internal_id?: string | null;
}

/** Changes a client's fields, or moves it under another parent of the right kind; returns the rows changed. */
export async function updateClient(ctx: Context, input: UpdateClientInput): Promise<number> {
  if (input.billing_time_zone && !IANAZone.isValidZone(input.billing_time_zone)) {
    throw invalid(`Unknown time zone "${input.billing_time_zone}"`, { issues: [{ path: 'billing_time_zone', message: 'an IANA time zone' }] });
  }
  let announce = () => {};
  const changed = await ctx.db.orm.transaction(async (tx) => {
    const client = await loadClientInScope(tx, ctx, input.id, { forUpdate: true });
    const currenciesId = await resolveCurrencyId(tx, input);
    const changes = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.email !== undefined && { email: input.email }),
      ...(input.country !== undefined && { country: input.country }),
      ...(input.credit !== undefined && { credit: input.credit }),
      ...(input.tax_rate !== undefined && { taxRate: input.tax_rate }),
      ...(input.billing_time_zone !== undefined && { billingTimeZone: input.billing_time_zone }),
      ...(currenciesId !== undefined && { currenciesId }),
      ...(input.sfdc_account_id !== undefined && { sfdcAccountId: input.sfdc_account_id }),
      ...(input.vendor_internal_id !== undefined && { vendorInternalId: input.vendor_internal_id }),
    };
    const moving = input.resellers_id !== undefined && input.resellers_id !== client.resellersId;
    if (Object.keys(changes).length === 0 && !moving) return 0;
    try {
      await tx.update(clients).set({ ...changes, updatedAt: ctx.now() }).where(eq(clients.id, client.id));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('A client with this external id already exists', { fields: ['sfdc_account_id', 'vendor_internal_id'] });
      throw error;
    }
    if (moving) {
      const parent = await loadClientInScope(tx, ctx, input.resellers_id!);
      if (parent.kind !== PARENT_KIND[client.kind]) throw invalid(`The parent of a ${client.kind} must be a ${PARENT_KIND[client.kind] ?? 'nothing'}`);
      const newPath = `${parent.path}${client.id}/`;
      await tx.update(clients).set({ resellersId: parent.id }).where(eq(clients.id, client.id));
      // The whole subtree moves with its root.
      await tx
        .update(clients)
        .set({ path: sql`${newPath} || substr(${clients.path}, ${client.path.length + 1})` })
        .where(sql`${clients.path} LIKE ${client.path + '%'}`);
      announce = await announceCredentialChange(tx, 'all');
    }
    await recordAudit(tx, ctx, {
      action: 'update',
      entity: 'client',
      entityId: client.id,
      scopePath: client.path,
      data: { ...input, id: undefined },
    });
    return 1;
  });
  announce();
  return changed;
}
