import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTimeOutput, id, paging, searchResult } from '../schemas.ts';
import { createVendorCredential } from '../../services/iam/create-vendor-credential.ts';
import { revokeVendorCredential } from '../../services/iam/revoke-vendor-credential.ts';
import { rotateVendorCredential } from '../../services/iam/rotate-vendor-credential.ts';
import { searchVendorCredentials } from '../../services/iam/search-vendor-credentials.ts';

const vendorCredential = z.object({
  id: z.number().int(),
  distributors_id: z.number().int(),
  vendor: z.string().meta({ description: 'the name the distributor sends in the `vendor` header' }),
  consumer_key: z.string().meta({ description: 'the `iss` of the distributor’s tokens' }),
  users_id: z.number().int().meta({ description: 'the user the account-management face acts as, limited to the distributor' }),
  status: z.enum(['active', 'revoked']),
  created_at: dateTimeOutput(),
  rotated_at: dateTimeOutput().nullable(),
  revoked_at: dateTimeOutput().nullable(),
});
const withSecret = vendorCredential.extend({
  secret: z.string().meta({ description: 'the HS512 secret: shown in this answer only' }),
});
// Printable ASCII, as it travels in an HTTP header.
const vendorName = z.string().trim().min(1).max(100).regex(/^[\x20-\x7E]+$/, 'printable ASCII');

export const vendorCredentialMethods = [
  defineMethod({
    name: 'iam.vendor_credentials.create',
    summary: 'Create a distributor’s credential for the account-management face; the secret is in this answer only',
    rest: { method: 'POST', path: '/iam/vendor-credentials' },
    auth: 'user',
    input: z.object({ distributors_id: id(), vendor: vendorName }),
    output: withSecret,
    run: (ctx, input) => createVendorCredential(ctx, input),
  }),
  defineMethod({
    name: 'iam.vendor_credentials.search',
    summary: 'List the vendor credentials of the distributors in your subtree (never their secrets)',
    rest: { method: 'GET', path: '/iam/vendor-credentials' },
    auth: 'user',
    input: z.object({ ...paging, distributors_id: id().optional(), vendor: z.string().optional(), status: z.enum(['active', 'revoked']).optional() }),
    output: searchResult(vendorCredential),
    run: (ctx, input) => searchVendorCredentials(ctx, input),
  }),
  defineMethod({
    name: 'iam.vendor_credentials.rotate',
    summary: 'Replace a credential’s secret, keeping its consumer key; the new secret is in this answer only',
    rest: { method: 'POST', path: '/iam/vendor-credentials/:id/rotate' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: withSecret,
    run: (ctx, input) => rotateVendorCredential(ctx, input.id),
  }),
  defineMethod({
    name: 'iam.vendor_credentials.revoke',
    summary: 'Revoke a vendor credential; its next request is refused. Returns the number of rows changed',
    rest: { method: 'POST', path: '/iam/vendor-credentials/:id/revoke' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: z.number().int(),
    run: (ctx, input) => revokeVendorCredential(ctx, input.id),
  }),
];
