import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTimeOutput, id, integer, paging, searchResult } from '../schemas.ts';
import { createContract } from '../../services/contracts/create-contract.ts';
import { deleteContract } from '../../services/contracts/delete-contract.ts';
import { getContract } from '../../services/contracts/get-contract.ts';
import { searchContracts } from '../../services/contracts/search-contracts.ts';
import { updateContract } from '../../services/contracts/update-contract.ts';

const status = z.enum(['ACTIVE', 'EXPIRED', 'CANCELLED']);
const productIds = z.array(integer(1, 2_147_483_647)).max(1000);
const companyIds = z.array(id()).max(100_000).meta({ description: 'covered companies; empty = all of the MSP’s companies' });
const contract = z.object({
  id: z.number().int(),
  clients_id: z.number().int(),
  contract_number: z.string(),
  cid: z.string(),
  name: z.string().nullable(),
  status,
  bp_account_id: z.number().int().nullable(),
  tenant_id: z.string().nullable(),
  products: z.array(z.number().int()),
  companies: z.array(z.number().int()),
  created_at: dateTimeOutput(),
  updated_at: dateTimeOutput(),
});
const fields = {
  contract_number: z.string().trim().min(1).max(64),
  cid: z.string().trim().min(1).max(64),
  name: z.string().max(255).nullable(),
  status,
  bp_account_id: integer(1).nullable(),
  tenant_id: z.string().max(64).nullable(),
  products: productIds,
  companies: companyIds,
};

export const contractMethods = [
  defineMethod({
    name: 'contracts.create',
    summary: 'Create an MSP contract covering products and companies (the PSA face reads it)',
    rest: { method: 'POST', path: '/contracts' },
    auth: 'user',
    input: z.object({ clients_id: id(), ...fields }).partial().required({ clients_id: true, contract_number: true }),
    output: contract,
    run: (ctx, input) => createContract(ctx, input),
  }),
  defineMethod({
    name: 'contracts.get',
    summary: 'Get a contract',
    rest: { method: 'GET', path: '/contracts/:id' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: contract,
    run: (ctx, input) => getContract(ctx, input.id),
  }),
  defineMethod({
    name: 'contracts.search',
    summary: 'Contracts of the MSPs in your subtree',
    rest: { method: 'GET', path: '/contracts' },
    auth: 'user',
    input: z.object({ ...paging, clients_id: id().optional(), status: status.optional(), contract_number: z.string().optional() }),
    output: searchResult(contract),
    run: (ctx, input) => searchContracts(ctx, input),
  }),
  defineMethod({
    name: 'contracts.update',
    summary: 'Change a contract or what it covers; returns the number of rows changed',
    rest: { method: 'PATCH', path: '/contracts/:id' },
    auth: 'user',
    input: z.object({ id: id(), ...fields }).partial().required({ id: true }),
    output: z.number().int(),
    run: (ctx, input) => updateContract(ctx, input),
  }),
  defineMethod({
    name: 'contracts.delete',
    summary: 'Delete a contract; returns the number of rows changed',
    rest: { method: 'DELETE', path: '/contracts/:id' },
    auth: 'user',
    input: z.object({ id: id() }),
    output: z.number().int(),
    run: (ctx, input) => deleteContract(ctx, input.id),
  }),
];
