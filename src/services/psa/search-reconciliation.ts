import { Decimal } from 'decimal.js';
import { and, eq } from 'drizzle-orm';
import { clients, psaReconciliation } from '../../db/schema.ts';
import { invalid } from '../../api/errors.ts';
import type { StatementLine } from '../../domain/statement.ts';
import type { Context } from '../context.ts';
import { currencyCodeOf } from '../hierarchy/client-record.ts';
import { loadClientInScope } from '../scope.ts';
import { billedStatement } from '../statements/billed-statement.ts';

const ZERO = new Decimal(0);

/**
 * The reconciliation of an MSP's month: per company and product, what the vendor billed the MSP
 * (the ledger's quantity and the statement's cost) against what the PSA billed the company (its
 * quantity at the sell price, or the PSA's own price), with the delta and the margin.
 */
export async function searchReconciliation(ctx: Context, input: { clients_id: number; year: number; month: number; status?: 'pending' | 'approved' | 'dismissed'; mismatched_only?: boolean }) {
  const msp = await loadClientInScope(ctx.db.orm, ctx, input.clients_id);
  if (msp.kind !== 'msp') throw invalid('clients_id must be an MSP');
  const [cost, sell, billed, companies] = await Promise.all([
    billedStatement(ctx.db.orm, msp, input.year, input.month, 'cost'),
    billedStatement(ctx.db.orm, msp, input.year, input.month, 'sell'),
    ctx.db.orm
      .select()
      .from(psaReconciliation)
      .where(and(eq(psaReconciliation.mspId, msp.id), eq(psaReconciliation.year, input.year), eq(psaReconciliation.month, input.month))),
    ctx.db.orm.select({ id: clients.id, name: clients.name }).from(clients).where(eq(clients.resellersId, msp.id)),
  ]);
  const lines = new Map<string, { companyId: number; productId: number; productName: string; cost?: StatementLine; sell?: StatementLine }>();
  const entry = (companyId: number, productId: number, productName: string) => {
    const key = `${companyId}:${productId}`;
    const found = lines.get(key) ?? { companyId, productId, productName };
    lines.set(key, found);
    return found;
  };
  for (const holder of cost.statement.mcItems) for (const line of holder.lines) if (!line.adjusts) entry(Number(holder.companyId), line.productId, line.productName).cost = line;
  for (const holder of sell.statement.mcItems) for (const line of holder.lines) if (!line.adjusts) entry(Number(holder.companyId), line.productId, line.productName).sell = line;
  const billedByKey = new Map(billed.map((row) => [`${row.clientsId}:${row.productsId}`, row]));
  for (const row of billed) entry(row.clientsId, row.productsId, lines.get(`${row.clientsId}:${row.productsId}`)?.productName ?? String(row.productsId));
  const names = new Map(companies.map((company) => [company.id, company.name]));

  const items = [...lines.values()]
    .map((line) => {
      const row = billedByKey.get(`${line.companyId}:${line.productId}`);
      const vendorQuantity = line.cost?.quantity ?? ZERO;
      const psaQuantity = row?.psaQuantity != null ? new Decimal(row.psaQuantity) : null;
      const unitPrice = row?.psaUnitPrice != null ? new Decimal(row.psaUnitPrice) : (line.sell?.unitPrice ?? line.cost?.unitPrice ?? ZERO);
      const costAmount = line.cost?.avgMonthlyCost ?? ZERO;
      const priceAmount = (psaQuantity ?? ZERO).times(unitPrice).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      const delta = (psaQuantity ?? ZERO).minus(vendorQuantity);
      return {
        clients_id: line.companyId,
        company_name: names.get(line.companyId) ?? '',
        products_id: line.productId,
        product_name: line.productName,
        vendor_quantity: vendorQuantity.toFixed(),
        psa_quantity: psaQuantity?.toFixed() ?? null,
        delta: delta.toFixed(),
        unit_cost: (line.cost?.unitPrice ?? ZERO).toFixed(2),
        unit_price: unitPrice.toFixed(2),
        cost: costAmount.toFixed(2),
        price: priceAmount.toFixed(2),
        margin: priceAmount.minus(costAmount).toFixed(2),
        status: row?.status ?? 'pending',
        note: row?.note ?? null,
        decided_by: row?.decidedBy ?? null,
        decided_at: row?.decidedAt ?? null,
      };
    })
    .filter((item) => (input.status === undefined || item.status === input.status) && (!input.mismatched_only || item.delta !== '0'))
    .sort((a, b) => a.company_name.localeCompare(b.company_name) || a.clients_id - b.clients_id || a.products_id - b.products_id);
  return { currency: await currencyCodeOf(ctx.db.orm, msp.currenciesId), items, total: items.length };
}
