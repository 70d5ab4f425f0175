import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Executor } from '../../db/connection.ts';
import { clients, contractCompanies, contractProducts, contracts, products } from '../../db/schema.ts';
import { invalid, notFound } from '../../api/errors.ts';
import type { Context } from '../context.ts';
import { withinScope } from '../scope.ts';

export type ContractRow = typeof contracts.$inferSelect;

export interface ContractCoverage {
  products: number[];
  /** Empty: every company of the MSP. */
  companies: number[];
}

export async function loadCoverage(executor: Executor, contractIds: number[]): Promise<Map<number, ContractCoverage>> {
  const coverage = new Map<number, ContractCoverage>(contractIds.map((id) => [id, { products: [], companies: [] }]));
  if (contractIds.length === 0) return coverage;
  for (const row of await executor.select().from(contractProducts).where(inArray(contractProducts.contractsId, contractIds))) {
    coverage.get(row.contractsId)!.products.push(row.productsId);
  }
  for (const row of await executor.select().from(contractCompanies).where(inArray(contractCompanies.contractsId, contractIds))) {
    coverage.get(row.contractsId)!.companies.push(row.clientsId);
  }
  for (const entry of coverage.values()) {
    entry.products.sort((a, b) => a - b);
    entry.companies.sort((a, b) => a - b);
  }
  return coverage;
}

/** A contract of an MSP in the caller's subtree; one outside answers as missing. */
export async function loadContractInScope(executor: Executor, ctx: Context, id: number): Promise<ContractRow & { mspPath: string }> {
  const [row] = await executor
    .select({ contract: contracts, mspPath: clients.path })
    .from(contracts)
    .innerJoin(clients, eq(clients.id, contracts.clientsId))
    .where(and(eq(contracts.id, id), ne(clients.status, 'deleted'), withinScope(ctx, clients.path)));
  if (!row) throw notFound(`Contract ${id}`);
  return { ...row.contract, mspPath: row.mspPath };
}

/** Checks that covered products exist and covered companies belong to the MSP. */
export async function checkCoverage(executor: Executor, mspId: number, coverage: Partial<ContractCoverage>): Promise<void> {
  if (coverage.products?.length) {
    const found = await executor.select({ id: products.id }).from(products).where(inArray(products.id, coverage.products));
    const missing = coverage.products.filter((id) => !found.some((product) => product.id === id));
    if (missing.length) throw invalid(`Unknown products: ${missing.join(', ')}`);
  }
  if (coverage.companies?.length) {
    const found = await executor
      .select({ id: clients.id })
      .from(clients)
      .where(and(inArray(clients.id, coverage.companies), eq(clients.resellersId, mspId), eq(clients.kind, 'company')));
    const missing = coverage.companies.filter((id) => !found.some((company) => company.id === id));
    if (missing.length) throw invalid(`Not companies of MSP ${mspId}: ${missing.join(', ')}`);
  }
}

export async function replaceCoverage(executor: Executor, contractId: number, coverage: Partial<ContractCoverage>): Promise<void> {
  if (coverage.products) {
    await executor.delete(contractProducts).where(eq(contractProducts.contractsId, contractId));
    if (coverage.products.length) {
      await executor.insert(contractProducts).values([...new Set(coverage.products)].map((productsId) => ({ contractsId: contractId, productsId })));
    }
  }
  if (coverage.companies) {
    await executor.delete(contractCompanies).where(eq(contractCompanies.contractsId, contractId));
    if (coverage.companies.length) {
      await executor.insert(contractCompanies).values([...new Set(coverage.companies)].map((clientsId) => ({ contractsId: contractId, clientsId })));
    }
  }
}

export function presentContract(row: ContractRow, coverage: ContractCoverage) {
  return {
    id: row.id,
    clients_id: row.clientsId,
    contract_number: row.contractNumber,
    cid: row.cid,
    name: row.name,
    status: row.status,
    bp_account_id: row.bpAccountId,
    tenant_id: row.tenantId,
    products: coverage.products,
    companies: coverage.companies,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
