import { Decimal } from 'decimal.js';
import { eq } from 'drizzle-orm';
import { clients, currencies, transactions } from '../../db/schema.ts';
import { invalid, unprocessable } from '../../api/errors.ts';
import { recordAudit } from '../audit/record.ts';
import type { Context } from '../context.ts';
import { loadClientInScope } from '../scope.ts';
import { currencyByCode, rateAt } from './currency-lookup.ts';

export interface CreateTransactionInput {
  clients_id: number;
  /** Signed, from the client's side: a payment is positive, a charge negative. */
  amount: string;
  taxes_state: 'included' | 'excluded';
  currency?: string;
  notes?: string;
}

const cents = (value: Decimal.Value) => new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/**
 * Posts a money movement and moves the client's balance in the same transaction. The client row is
 * locked first, so concurrent prepaid charges see each other's balance and can never overdraw.
 * Postpaid always posts; prepaid posts only if balance + credit stays ≥ 0, else LowBalanceError.
 */
export async function createTransaction(ctx: Context, kind: 'postpaid' | 'prepaid', input: CreateTransactionInput) {
  const amount = new Decimal(input.amount);
  if (amount.isZero()) throw invalid('amount must not be 0', { issues: [{ path: 'amount', message: 'not 0' }] });
  return ctx.db.orm.transaction(async (tx) => {
    const client = await loadClientInScope(tx, ctx, input.clients_id, { forUpdate: true });
    const [clientCurrency] = await tx.select().from(currencies).where(eq(currencies.id, client.currenciesId));
    const currency = input.currency ? await currencyByCode(tx, input.currency) : clientCurrency;
    const now = ctx.now();
    const rate = await rateAt(tx, currency.id, clientCurrency.id, now);
    if (!rate) throw invalid(`No exchange rate from ${currency.code} to ${clientCurrency.code}`);
    const converted = cents(amount.times(rate.rate));
    const taxRate = new Decimal(client.taxRate);
    // NOTE: "excluded" means tax comes on top of the amount; "included" means the amount already holds it.
    const total = input.taxes_state === 'excluded' ? converted.plus(cents(converted.times(taxRate))) : converted;
    const net = input.taxes_state === 'excluded' ? converted : cents(converted.div(taxRate.plus(1)));
    const tax = total.minus(net);
    const balanceAfter = new Decimal(client.balance).plus(total);
    if (kind === 'prepaid' && balanceAfter.plus(client.credit).lt(0)) {
      throw unprocessable('LowBalanceError', `Balance ${client.balance} plus credit ${client.credit} does not cover ${total.neg().toFixed(2)}`, {
        balance: client.balance,
        credit: client.credit,
        required: total.neg().toFixed(2),
      });
    }
    await tx.update(clients).set({ balance: balanceAfter.toFixed(2), updatedAt: now }).where(eq(clients.id, client.id));
    const [row] = await tx
      .insert(transactions)
      .values({
        clientsId: client.id,
        kind,
        amount: amount.toFixed(2),
        currenciesId: currency.id,
        exchangeRate: rate.rate,
        taxesState: input.taxes_state,
        taxRate: client.taxRate,
        netAmount: net.toFixed(2),
        taxAmount: tax.toFixed(2),
        total: total.toFixed(2),
        balanceAfter: balanceAfter.toFixed(2),
        notes: input.notes ?? null,
        usersId: ctx.principal?.usersId ?? null,
        createdAt: now,
      })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'create',
      entity: 'transaction',
      entityId: row.id,
      scopePath: client.path,
      data: { clients_id: client.id, kind, total: row.total, balance_after: row.balanceAfter },
    });
    return presentTransaction(row, currency.code, clientCurrency.code);
  });
}

export function presentTransaction(row: typeof transactions.$inferSelect, currencyCode: string, clientCurrencyCode: string) {
  return {
    id: row.id,
    clients_id: row.clientsId,
    kind: row.kind,
    amount: row.amount,
    currency: currencyCode,
    exchange_rate: new Decimal(row.exchangeRate).toFixed(),
    taxes_state: row.taxesState,
    tax_rate: new Decimal(row.taxRate).toFixed(),
    net_amount: row.netAmount,
    tax_amount: row.taxAmount,
    total: row.total,
    balance_currency: clientCurrencyCode,
    balance_after: row.balanceAfter,
    notes: row.notes,
    created_at: row.createdAt,
  };
}
