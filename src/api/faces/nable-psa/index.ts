import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Decimal } from 'decimal.js';
import { DateTime } from 'luxon';
import type { Principal } from '../../../services/context.ts';
import { toPriceString } from '../../../domain/money.ts';
import { toAppError } from '../../errors.ts';
import { setRetryAfter } from '../../rest.ts';
import { invokeMethod } from '../../invoke.ts';
import { mountFaceRoutes, type FaceContext } from '../../server.ts';

// The PSA billable services API of seed 002 and its siblings (spec/nable-psa.md): POST with every
// parameter in the path, `x-api-key`, and `{message, http_status_code}` errors.

const FACE = 'nable-psa';
const BASE = '/ws/rest/V1/PSA_API';

class FaceError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const unauthorized = () => new FaceError(401, 'Unauthorized');

/** The one mapping from native failures to this face's errors. */
function toFaceError(error: unknown): FaceError {
  if (error instanceof FaceError) return error;
  const appError = toAppError(error);
  if (appError.kind === 'unauthorized') return unauthorized();
  if (appError.kind === 'invalid') return new FaceError(400, appError.message);
  if (appError.kind === 'not_found') return new FaceError(404, 'Not Found');
  if (appError.kind === 'rate_limited') return new FaceError(429, 'Too Many Requests');
  return new FaceError(500, 'Internal Server Error');
}

function sendFaceError(reply: FastifyReply, face: FaceContext, error: unknown) {
  const faceError = toFaceError(error);
  if (faceError.status === 500) face.runtime.log.error({ err: error }, 'nable-psa face failed');
  setRetryAfter(reply, toAppError(error));
  return reply.status(faceError.status).send({ message: faceError.message, http_status_code: faceError.status });
}

interface Msp {
  id: number;
  name: string;
  sfdc_account_id: string;
  billing_time_zone: string;
}
interface Contract {
  id: number;
  clients_id: number;
  contract_number: string;
  cid: string;
  name: string | null;
  status: string;
  bp_account_id: number | null;
  tenant_id: string | null;
  products: number[];
  companies: number[];
  created_at: string;
  updated_at: string;
}
interface Product {
  id: number;
  name: string;
  usage_unit: string;
  sort_order: number;
  sku: string | null;
  uom: string | null;
  feature_name: string | null;
  service_name: string | null;
}
interface Line {
  products_id: number;
  details?: { detail: string; quantity: string }[];
  quantity: string;
  unit_price: string;
  avg_monthly_cost: string;
  adjusts?: unknown;
}
interface Holder {
  clients_id: number;
  name: string;
  lines: Line[];
}
interface Statement {
  status: string;
  companies: Holder[];
}

type Call = (method: string, params: Record<string, unknown>) => Promise<any>;

function timeframeOf(text: string): { year: number; month: number; value: number } {
  const match = /^(\d{4})(0[1-9]|1[0-2])$/.exec(text);
  if (!match) throw new FaceError(400, 'Invalid timeframe: expected YYYYMM with a month from 01 to 12');
  return { year: Number(match[1]), month: Number(match[2]), value: Number(text) };
}

/** Contract timestamps are written without an offset, in the MSP's billing time zone. */
const localTime = (iso: string, zone: string) => DateTime.fromISO(iso, { setZone: true }).setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm:ss");

/** The invoice standing for an MSP's month: one per month, the same whether open or closed. */
const invoiceIdOf = (mspId: number, timeframe: number) => `${mspId}${timeframe}`;

const accountFields = (msp: Msp, timeframe: number) => ({ AccountName: msp.name, SfdcAccountId: msp.sfdc_account_id, TimeFrame: timeframe });

function contractFields(msp: Msp, contract: Contract, timeframe: number) {
  return {
    AccountName: msp.name,
    BpAccountId: contract.bp_account_id,
    Cid: contract.cid,
    ContractNumber: contract.contract_number,
    ContractStatus: contract.status,
    Created: localTime(contract.created_at, msp.billing_time_zone),
    SfdcAccountId: msp.sfdc_account_id,
    TenantId: contract.tenant_id,
    TimeFrame: timeframe,
    Updated: localTime(contract.updated_at, msp.billing_time_zone),
  };
}

const serviceOf = (product: Product) => ({
  BillingServiceName: product.service_name ?? product.name,
  ProductFeatureName: product.feature_name ?? '',
  Sku: product.sku ?? '',
  Uom: product.uom ?? product.usage_unit,
});

/** The statement lines a contract covers: its products (all when none listed) for its companies (all when none listed). */
function coveredUsage(contract: Contract, statement: Statement) {
  const covers = (holder: Holder, line: Line) =>
    (contract.companies.length === 0 || contract.companies.includes(holder.clients_id)) &&
    (contract.products.length === 0 || contract.products.includes(line.products_id)) &&
    !line.adjusts &&
    new Decimal(line.quantity).gt(0);
  return statement.companies
    .map((holder) => ({ holder, lines: holder.lines.filter((line) => covers(holder, line)) }))
    .filter((entry) => entry.lines.length > 0);
}

async function context(face: FaceContext, request: FastifyRequest): Promise<{ call: Call; msp: Msp }> {
  const header = request.headers['x-api-key'];
  if (typeof header !== 'string' || header.trim() === '') throw unauthorized();
  const principal: Principal = await face.resolver.fromApiKey(header.trim());
  const call: Call = (method, params) => invokeMethod(face.runtime, face.registry.get(method)!, params, { principal, face: FACE });
  const { sfdcId } = request.params as { sfdcId: string };
  // The key belongs to the MSP named in the path: another MSP's sfdcId is as unknown to it as a
  // made-up one, and a key of the distributor or the installation is not this MSP's key either.
  const found = await call('clients.search', { kind: 'msp', sfdc_account_id: sfdcId, limit: 1 });
  if (found.total !== 1 || principal.scope?.clientsId !== found.items[0].id) throw unauthorized();
  return { call, msp: found.items[0] };
}

async function contractOf(call: Call, msp: Msp, contractId: string): Promise<Contract | null> {
  if (!/^[1-9]\d{0,15}$/.test(contractId)) return null;
  try {
    const contract: Contract = await call('contracts.get', { id: Number(contractId) });
    return contract.clients_id === msp.id ? contract : null;
  } catch (error) {
    if (toAppError(error).kind === 'not_found') return null;
    throw error;
  }
}

async function catalogOf(call: Call): Promise<Map<number, Product>> {
  const [active, retired] = await Promise.all([
    call('catalog.products.search', { limit: 1000 }),
    call('catalog.products.search', { limit: 1000, status: 'retired' }),
  ]);
  return new Map([...active.items, ...retired.items].map((product: Product) => [product.id, product]));
}

function servicesOf(usage: ReturnType<typeof coveredUsage>, catalog: Map<number, Product>): Product[] {
  const ids = new Set(usage.flatMap((entry) => entry.lines.map((line) => line.products_id)));
  return [...ids].map((id) => catalog.get(id)!).filter(Boolean).sort((a, b) => a.sort_order - b.sort_order || a.id - b.id);
}

const decimalText = (value: Decimal) => value.toFixed(2);

/**
 * The consumers behind a company's usage: the users or devices ingestion named (`detail`), and one
 * row named after the company for usage that came without names.
 */
function devicesOf(holder: Holder, lines: Line[], catalog: Map<number, Product>) {
  const devices = new Map<string, { name: string; services: { BillingServiceName: string; Quantity: string }[] }>();
  const add = (key: string, name: string, line: Line, quantity: Decimal) => {
    const device = devices.get(key) ?? { name, services: [] };
    device.services.push({ BillingServiceName: serviceOf(catalog.get(line.products_id)!).BillingServiceName, Quantity: decimalText(quantity) });
    devices.set(key, device);
  };
  for (const line of lines) {
    if (!line.details?.length) {
      add('', holder.name, line, new Decimal(line.quantity));
      continue;
    }
    const named = line.details.reduce((sum, consumer) => sum.plus(consumer.quantity), new Decimal(0));
    for (const consumer of line.details) add(`detail:${consumer.detail}`, consumer.detail, line, new Decimal(consumer.quantity));
    // Usage recorded without a name alongside named consumers.
    const unnamed = new Decimal(line.quantity).minus(named);
    if (unnamed.gt(0)) add('', holder.name, line, unnamed);
  }
  return [...devices].map(([key, device]) => ({
    Detail: device.name,
    DetailId: key === '' ? String(holder.clients_id) : device.name,
    UsageCompanyName: holder.name,
    TotalByService: device.services,
  }));
}

/** One contract's usage record for PSAUsageDetailsDevices and PSAUsageByTimeFrame. */
function usageRecord(msp: Msp, contract: Contract, timeframe: number, statement: Statement, catalog: Map<number, Product>) {
  const usage = coveredUsage(contract, statement);
  const services = servicesOf(usage, catalog).map((product) => {
    const lines = usage.flatMap((entry) => entry.lines.filter((line) => line.products_id === product.id));
    const quantity = lines.reduce((sum, line) => sum.plus(line.quantity), new Decimal(0));
    const amount = lines.reduce((sum, line) => sum.plus(line.avg_monthly_cost), new Decimal(0));
    // One price for the service when its companies share one (a sub-cent price stays exact); with
    // per-company overrides, the average per unit to 4 places.
    const prices = new Set(lines.map((line) => new Decimal(line.unit_price).toFixed()));
    const price = prices.size === 1 || quantity.isZero() ? toPriceString(lines[0]?.unit_price ?? 0) : toPriceString(amount.div(quantity).toDecimalPlaces(4, Decimal.ROUND_HALF_UP));
    return {
      ...serviceOf(product),
      Quantity: decimalText(quantity),
      Price: price,
      Amount: decimalText(amount),
    };
  });
  const fields = contractFields(msp, contract, timeframe);
  const { AccountName, BpAccountId, Cid, ContractNumber, ContractStatus, Created, Updated, SfdcAccountId, TenantId, TimeFrame } = fields;
  return {
    AccountName,
    BpAccountId,
    Cid,
    ContractId: contract.id,
    ContractNumber,
    ContractStatus,
    Created,
    Updated,
    SfdcAccountId,
    TenantId,
    TimeFrame,
    TotalByContracts: [{ ContractId: contract.id, ContractNumber, InvoiceId: invoiceIdOf(msp.id, timeframe), Services: services }],
    Clients: usage.map(({ holder, lines }) => ({ ClientId: holder.clients_id, Name: holder.name, Devices: devicesOf(holder, lines, catalog) })),
  };
}

async function respond(reply: FastifyReply, face: FaceContext, work: () => Promise<unknown>) {
  try {
    return reply.status(200).send(await work());
  } catch (error) {
    return sendFaceError(reply, face, error);
  }
}

const INVOICE_DATA_DAY = 10;

/** Whether a month's invoice can be read at `now`: a past month, or the current one from the 10th. */
function invoiceReady(msp: Msp, timeframe: { year: number; month: number }, now: Date): boolean {
  const today = DateTime.fromJSDate(now, { zone: msp.billing_time_zone });
  const monthStart = DateTime.fromObject({ year: timeframe.year, month: timeframe.month, day: 1 }, { zone: msp.billing_time_zone });
  // Decision: the current month's data can be read from the 10th; a future month has none.
  return !(monthStart > today || (monthStart.hasSame(today, 'month') && today.day < INVOICE_DATA_DAY));
}

export function mountNablePsa(app: FastifyInstance, face: FaceContext): void {
  mountFaceRoutes(app, { prefix: BASE, sendError: (reply, error) => sendFaceError(reply, face, error), notFound: () => new FaceError(404, 'Not Found') }, (scoped) =>
    mountRoutes(scoped, face),
  );
}

function mountRoutes(app: FastifyInstance, face: FaceContext): void {
  const route = (path: string, work: (request: FastifyRequest) => Promise<unknown>) =>
    app.post(`/${path}`, { config: { face: FACE } }, (request, reply) => respond(reply, face, () => work(request)));

  route('PSABillableServices/:sfdcId/:timeframe/:contractId', async (request) => {
    const params = request.params as { timeframe: string; contractId: string };
    const { call, msp } = await context(face, request);
    const timeframe = timeframeOf(params.timeframe);
    const contract = await contractOf(call, msp, params.contractId);
    if (!contract) return { PSABillableServices: [accountFields(msp, timeframe.value)] };
    const statement: Statement = await call('billing.statements.get', { clients_id: msp.id, year: timeframe.year, month: timeframe.month });
    const usage = coveredUsage(contract, statement);
    const record = contractFields(msp, contract, timeframe.value);
    if (usage.length === 0) return { PSABillableServices: [record] };
    const catalog = await catalogOf(call);
    return {
      PSABillableServices: [
        {
          ...record,
          'Billable Services': servicesOf(usage, catalog).map(serviceOf),
          Clients: usage.map(({ holder }) => ({ ClientId: holder.clients_id, Name: holder.name })),
        },
      ],
    };
  });

  route('InvoicesReady/:sfdcId/:timeframe', async (request) => {
    const { call, msp } = await context(face, request);
    const timeframe = timeframeOf((request.params as { timeframe: string }).timeframe);
    if (!invoiceReady(msp, timeframe, face.runtime.now())) return { InvoicesReady: [] };
    const monthStart = DateTime.fromObject({ year: timeframe.year, month: timeframe.month, day: 1 }, { zone: msp.billing_time_zone });
    const statement: Statement = await call('billing.statements.get', { clients_id: msp.id, year: timeframe.year, month: timeframe.month });
    const contracts = await call('contracts.search', { clients_id: msp.id, limit: 1000 });
    const invoiceId = invoiceIdOf(msp.id, timeframe.value);
    const invoiceDate = monthStart.plus({ months: 1 });
    const closed = statement.status === 'closed';
    return {
      InvoicesReady: [
        {
          ActivityStartDate: monthStart.toFormat('yyyy-MM-dd'),
          InvoiceID: invoiceId,
          AccountID: String(msp.id),
          BillingProfileID: String(msp.id),
          ApprovalStatus: closed ? 'APPROVED' : 'PENDING',
          FileName: `efile_${invoiceId}.csv`,
          EFileID: invoiceId,
          // As in the sample: "December  01, 2024", two spaces before a one-digit day.
          InvoiceDate: `${invoiceDate.toFormat('MMMM')} ${invoiceDate.day < 10 ? ' ' : ''}${invoiceDate.toFormat('dd, yyyy')}`,
          Name: msp.name,
          Status: closed ? 'CLOSED' : 'OPEN',
          Contracts: contracts.items.map((contract: Contract) => ({
            ContractID: String(contract.id),
            ContractNumber: contract.contract_number,
            AccountName: msp.name,
            Name: contract.name ?? contract.contract_number,
          })),
        },
      ],
    };
  });

  route('PSAUsageDetailsDevices/:sfdcId/:timeframe/:contractId/:invoiceId', async (request) => {
    const params = request.params as { timeframe: string; contractId: string; invoiceId: string };
    const { call, msp } = await context(face, request);
    const timeframe = timeframeOf(params.timeframe);
    // Only an invoice InvoicesReady lists exists.
    if (params.invoiceId !== invoiceIdOf(msp.id, timeframe.value) || !invoiceReady(msp, timeframe, face.runtime.now())) throw new FaceError(404, 'Invoice not found');
    const contract = await contractOf(call, msp, params.contractId);
    if (!contract) return { PSAUsageDetailsDevices: [accountFields(msp, timeframe.value)] };
    const statement: Statement = await call('billing.statements.get', { clients_id: msp.id, year: timeframe.year, month: timeframe.month });
    return { PSAUsageDetailsDevices: [usageRecord(msp, contract, timeframe.value, statement, await catalogOf(call))] };
  });

  route('PSAUsageByTimeFrame/:sfdcId/:timeframe', async (request) => {
    const { call, msp } = await context(face, request);
    const timeframe = timeframeOf((request.params as { timeframe: string }).timeframe);
    // Usage is shown with its invoice, so only for months InvoicesReady lists.
    if (!invoiceReady(msp, timeframe, face.runtime.now())) return { UsageDetailDevices: [] };
    const [statement, contracts, catalog] = await Promise.all([
      call('billing.statements.get', { clients_id: msp.id, year: timeframe.year, month: timeframe.month }) as Promise<Statement>,
      call('contracts.search', { clients_id: msp.id, limit: 1000 }),
      catalogOf(call),
    ]);
    return { UsageDetailDevices: contracts.items.map((contract: Contract) => usageRecord(msp, contract, timeframe.value, statement, catalog)) };
  });
}
