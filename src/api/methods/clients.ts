import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTimeOutput, decimal, id, paging, searchResult } from '../schemas.ts';
import { archiveClient } from '../../services/hierarchy/archive-client.ts';
import { createClient } from '../../services/hierarchy/create-client.ts';
import { deleteClient } from '../../services/hierarchy/delete-client.ts';
import { getClient } from '../../services/hierarchy/get-client.ts';
import { searchClients } from '../../services/hierarchy/search-clients.ts';
import { updateClient } from '../../services/hierarchy/update-client.ts';

const kind = z.enum(['distributor', 'msp', 'company']);
const nullableText = (max = 255) => z.string().trim().max(max).nullable();

const client = z.object({
  id: z.number().int(),
  kind,
  name: z.string(),
  resellers_id: z.number().int().nullable(),
  status: z.enum(['active', 'archived']),
  email: z.string().nullable(),
  country: z.string().nullable(),
  credit: z.string(),
  balance: z.string(),
  tax_rate: z.string(),
  billing_time_zone: z.string(),
  currencies_id: z.number().int(),
  currency: z.string(),
  sfdc_account_id: z.string().nullable(),
  vendor_internal_id: z.string().nullable(),
  created_at: dateTimeOutput(),
  updated_at: dateTimeOutput(),
  archived_at: dateTimeOutput().nullable(),
});

const editable = {
  email: z.email().nullable(),
  country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code').nullable(),
  credit: decimal(2),
  tax_rate: decimal(6),
  billing_time_zone: z.string(),
  currencies_id: id(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code'),
  sfdc_account_id: nullableText(64),
  vendor_internal_id: nullableText(255),
};

const affectedRows = z.number().int().meta({ description: 'rows changed' });

export const clientMethods = [
  defineMethod({
    name: 'clients.create',
    summary: 'Create a distributor, MSP or managed company under its parent (resellers_id)',
    rest: { method: 'POST', path: '/clients' },
    auth: 'user',
    input: z.object({ kind, name: z.string().trim().min(1).max(255), resellers_id: id().nullable().optional(), ...editable }).partial({
      email: true, country: true, credit: true, tax_rate: true, billing_time_zone: true, currencies_id: true, currency: true,
      sfdc_account_id: true, vendor_internal_id: true,
    }),
    output: client,
    run: (ctx, input) => createClient(ctx, input),
  }),
  defineMethod({
    name: 'clients.get',
    summary: 'Get a client',
    rest: { method: 'GET', path: '/clients/:id' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: client,
    run: (ctx, input) => getClient(ctx, input.id),
  }),
  defineMethod({
    name: 'clients.search',
    summary: 'Search clients in your subtree',
    rest: { method: 'GET', path: '/clients' },
    auth: 'user',
    input: z.object({
      ...paging,
      kind: kind.optional(),
      resellers_id: id().optional(),
      status: z.enum(['active', 'archived']).optional(),
      name: z.string().optional(),
      sfdc_account_id: z.string().optional(),
      vendor_internal_id: z.string().optional(),
    }),
    output: searchResult(client),
    run: (ctx, input) => searchClients(ctx, input),
  }),
  defineMethod({
    name: 'clients.update',
    summary: 'Change a client, or move it under another parent; returns the number of rows changed',
    rest: { method: 'PATCH', path: '/clients/:id' },
    auth: 'user',
    input: z.object({ id: id(), name: z.string().trim().min(1).max(255), resellers_id: id(), ...editable }).partial().required({ id: true }),
    output: affectedRows,
    run: (ctx, input) => updateClient(ctx, input),
  }),
  defineMethod({
    name: 'clients.delete',
    summary: 'Delete a client that has no clients under it; returns the number of rows changed',
    rest: { method: 'DELETE', path: '/clients/:id' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: affectedRows,
    run: (ctx, input) => deleteClient(ctx, input.id),
  }),
  defineMethod({
    name: 'clients.archive',
    summary: 'Archive a client; returns the number of rows changed',
    rest: { method: 'POST', path: '/clients/:id/archive' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: affectedRows,
    run: (ctx, input) => archiveClient(ctx, input.id),
  }),
];
