import { z } from 'zod';
import { defineMethod, type MethodDefinition } from '../../registry.ts';
import { flag, integer } from '../../schemas.ts';
import { invalid } from '../../errors.ts';
import { loadAccountInScope, type AccountReference } from '../../../services/accounts/account-record.ts';
import { applyAccountEvent } from '../../../services/accounts/apply-account-event.ts';
import { createTrialAccount } from '../../../services/accounts/create-trial-account.ts';
import { listAccounts } from '../../../services/accounts/list-accounts.ts';
import { getCurrentUsage } from '../../../services/statements/get-current-usage.ts';
import { getStatement } from '../../../services/statements/get-statement.ts';
import { decodeCompanyId } from '../company-id.ts';
import { isCountryCode } from '../../../domain/country.ts';

// The account-management face's use cases as method definitions of their own (not native methods):
// they run through the same invocation as the native API (validation, idempotency, audit context),
// with the vendor's field names, so a 400 names the field the distributor sent.

const text = (max = 255) => z.string().trim().max(max);
const internalId = z.union([z.string().trim().min(1).max(255), z.number().int().nonnegative().transform(String)]);

const referenceFields = { vendorInternalId: internalId.optional(), companyId: z.string().trim().min(1).optional() };
const requireReference = (value: { vendorInternalId?: string; companyId?: string }, context: z.RefinementCtx) => {
  if (value.vendorInternalId === undefined && value.companyId === undefined) {
    context.addIssue({ code: 'custom', path: ['vendorInternalId'], message: 'required (or companyId)' });
  }
};
/** `vendorInternalId`, or (keeper-vendor.md, Decision) `companyId` in its place. */
const accountReference = z.object(referenceFields).superRefine(requireReference);
const monthOfAccount = z.object({ ...referenceFields, month: integer(1, 12), year: integer(2000, 9999) }).superRefine(requireReference);

function referenceOf(input: { vendorInternalId?: string; companyId?: string }): AccountReference {
  if (input.vendorInternalId !== undefined) return { vendorInternalId: input.vendorInternalId };
  const clientsId = decodeCompanyId(input.companyId!);
  if (clientsId === undefined) throw invalid('Invalid body: companyId: not a companyId', { issues: [{ path: 'companyId', message: 'not a companyId' }] });
  return { clientsId, label: `companyId "${input.companyId}"` };
}

const trialAccount = z
  .object({
    name: text().optional(),
    'first name': text().optional(),
    'last name': text().optional(),
    country: z
      .string()
      .trim()
      .transform((code) => code.toUpperCase())
      .refine(isCountryCode, 'an ISO 3166-1 alpha-2 country code'),
    email: z.email(),
    vendorInternalId: internalId,
    zipCode: text(32).optional(),
    state: text().optional(),
    city: text().optional(),
    street: text().optional(),
    phone: text(64).optional(),
    partnerId: z.union([text(), z.number()]).optional(),
    trail: flag().optional(),
    showPricingInMSPConsole: flag().optional(),
  })
  .superRefine((value, context) => {
    const fullName = [value['first name'], value['last name']].filter(Boolean).join(' ');
    if (!value.name && !fullName) context.addIssue({ code: 'custom', path: ['name'], message: 'required unless "first name" or "last name" is given' });
    if (!value.name && fullName.length > 255) context.addIssue({ code: 'custom', path: ['name'], message: 'at most 255 characters' });
  });

const empty = z.object({});
const anything = z.unknown();

export interface VendorFaceSettings {
  publicUrl: string;
}

/** The face's definitions, by endpoint. */
export function vendorFaceMethods(settings: VendorFaceSettings) {
  const transition = (name: string, type: 'convert-to-paid' | 'cancel-paid-account' | 'activate-expired' | 'remove-account') =>
    defineMethod({
      name: `mspvendor.${name}`,
      summary: type,
      rest: { method: 'POST', path: `/${type}` },
      auth: 'user',
      input: accountReference,
      output: anything,
      run: (ctx, input) => applyAccountEvent(ctx, referenceOf(input), { type, now: ctx.now() }),
    });
  return {
    createTrialAccount: defineMethod({
      name: 'mspvendor.create_trial_account',
      summary: 'create-trial-account',
      rest: { method: 'POST', path: '/create-trial-account' },
      auth: 'user',
      input: trialAccount,
      output: anything,
      run: (ctx, input) => {
        const { name, 'first name': firstName, 'last name': lastName, country, email, vendorInternalId, ...details } = input;
        const fullName = [firstName, lastName].filter(Boolean).join(' ');
        return createTrialAccount(
          ctx,
          {
            vendorInternalId,
            name: name || fullName,
            email,
            country,
            details: { ...details, ...(firstName !== undefined && { firstName }), ...(lastName !== undefined && { lastName }) },
          },
          settings,
        );
      },
    }),
    convertToPaid: transition('convert_to_paid', 'convert-to-paid'),
    cancelPaidAccount: transition('cancel_paid_account', 'cancel-paid-account'),
    activateExpired: transition('activate_expired', 'activate-expired'),
    removeAccount: transition('remove_account', 'remove-account'),
    accounts: defineMethod({
      name: 'mspvendor.accounts',
      summary: 'accounts',
      rest: { method: 'GET', path: '/accounts' },
      auth: 'user',
      input: empty,
      output: anything,
      run: (ctx) => listAccounts(ctx),
    }),
    currentUsage: defineMethod({
      name: 'mspvendor.current_usage',
      summary: 'current-usage',
      rest: { method: 'POST', path: '/current-usage' },
      auth: 'user',
      input: accountReference,
      output: anything,
      run: async (ctx, input) => getCurrentUsage(ctx, { clients_id: (await loadAccountInScope(ctx.db.orm, ctx, referenceOf(input))).client.id }),
    }),
    monthlyUsage: defineMethod({
      name: 'mspvendor.monthly_usage',
      summary: 'monthly-usage',
      rest: { method: 'POST', path: '/monthly-usage' },
      auth: 'user',
      input: monthOfAccount,
      output: anything,
      run: async (ctx, input) =>
        getStatement(ctx, { clients_id: (await loadAccountInScope(ctx.db.orm, ctx, referenceOf(input))).client.id, year: input.year, month: input.month }),
    }),
  } satisfies Record<string, MethodDefinition<any, any>>;
}
