import { eq } from 'drizzle-orm';
import { IANAZone } from 'luxon';
import { clients, currencies } from '../../db/schema.ts';
import { conflict, invalid } from '../../api/errors.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope, requireUnlimited } from '../scope.ts';
import { PARENT_KIND, presentClient, resolveCurrencyId, type ClientKind } from './client-record.ts';

export interface CreateClientInput {
  kind: ClientKind;
  name: string;
  resellers_id?: number | null;
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

/** Creates a distributor, MSP or managed company under its parent; currency and billing zone default to the parent's. */
export async function createClient(ctx: Context, input: CreateClientInput) {
  if (input.billing_time_zone && !IANAZone.isValidZone(input.billing_time_zone)) {
    throw invalid(`Unknown time zone "${input.billing_time_zone}"`, { issues: [{ path: 'billing_time_zone', message: 'an IANA time zone' }] });
  }
  return ctx.db.orm.transaction(async (tx) => {
    const expectedParent = PARENT_KIND[input.kind];
    let parent = null;
    if (expectedParent === null) {
      if (input.resellers_id != null) throw invalid('A distributor has no parent: leave resellers_id empty');
      requireUnlimited(ctx);
    } else {
      if (input.resellers_id == null) throw invalid(`A ${input.kind} needs resellers_id: the id of its ${expectedParent}`);
      parent = await loadClientInScope(tx, ctx, input.resellers_id);
      if (parent.kind !== expectedParent) throw invalid(`The parent of a ${input.kind} must be a ${expectedParent}, not a ${parent.kind}`);
      if (parent.status !== 'active') throw invalid(`Client ${parent.id} is ${parent.status}`);
    }
    const currenciesId =
      (await resolveCurrencyId(tx, input)) ??
      parent?.currenciesId ??
      (await tx.select({ id: currencies.id }).from(currencies).where(eq(currencies.code, 'USD')))[0].id;
    const now = ctx.now();
    let row;
    try {
      [row] = await tx
        .insert(clients)
        .values({
          kind: input.kind,
          name: input.name,
          resellersId: parent?.id ?? null,
          path: '',
          status: 'active',
          email: input.email ?? null,
          country: input.country ?? null,
          credit: input.credit ?? '0',
          balance: '0',
          taxRate: input.tax_rate ?? '0',
          billingTimeZone: input.billing_time_zone ?? parent?.billingTimeZone ?? 'UTC',
          currenciesId,
          sfdcAccountId: input.sfdc_account_id ?? null,
          vendorInternalId: input.vendor_internal_id ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('A client with this external id already exists', { fields: ['sfdc_account_id', 'vendor_internal_id'] });
      throw error;
    }
    const path = `${parent?.path ?? '/'}${row.id}/`;
    [row] = await tx.update(clients).set({ path }).where(eq(clients.id, row.id)).returning();
    await recordAudit(tx, ctx, { action: 'create', entity: 'client', entityId: row.id, scopePath: path, data: { kind: row.kind, name: row.name } });
    const [{ code }] = await tx.select({ code: currencies.code }).from(currencies).where(eq(currencies.id, currenciesId));
    return presentClient(row, code);
  });
}
