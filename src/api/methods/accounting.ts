import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTime, dateTimeOutput, decimal, id, paging, searchResult } from '../schemas.ts';
import { createExchangeRate } from '../../services/accounting/create-exchange-rate.ts';
import { createTransaction } from '../../services/accounting/create-transaction.ts';
import { getExchangeRate } from '../../services/accounting/get-exchange-rate.ts';
import { searchCurrencies } from '../../services/accounting/search-currencies.ts';
import { searchTransactions } from '../../services/accounting/search-transactions.ts';

const currencyCode = z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code');
const currency = z.object({ id: z.number().int(), code: z.string(), name: z.string(), decimals: z.number().int() });
const rate = z.object({
  from: z.string(),
  to: z.string(),
  rate: z.string(),
  effective_at: dateTimeOutput().nullable(),
  date: dateTimeOutput(),
});
const createdRate = z.object({
  id: z.number().int(),
  from: z.string(),
  to: z.string(),
  rate: z.string(),
  effective_at: dateTimeOutput(),
  reverse: z.object({ id: z.number().int(), from: z.string(), to: z.string(), rate: z.string() }),
});
const transaction = z.object({
  id: z.number().int(),
  clients_id: z.number().int(),
  kind: z.enum(['postpaid', 'prepaid']),
  amount: z.string(),
  currency: z.string(),
  exchange_rate: z.string(),
  taxes_state: z.enum(['included', 'excluded']),
  tax_rate: z.string(),
  net_amount: z.string(),
  tax_amount: z.string(),
  total: z.string(),
  balance_currency: z.string(),
  balance_after: z.string(),
  notes: z.string().nullable(),
  created_at: dateTimeOutput(),
});
const transactionInput = z.object({
  clients_id: id(),
  amount: decimal(2).meta({ description: 'signed, from the client’s side: a payment is positive, a charge negative' }),
  taxes_state: z.enum(['included', 'excluded']).default('excluded'),
  currency: currencyCode.optional(),
  notes: z.string().max(1000).optional(),
});

export const accountingMethods = [
  defineMethod({
    name: 'accounting.currencies.search',
    summary: 'List currencies',
    rest: { method: 'GET', path: '/accounting/currencies' },
    auth: 'user',
    input: z.object({ ...paging, code: currencyCode.optional() }),
    output: searchResult(currency),
    run: (ctx, input) => searchCurrencies(ctx, input),
  }),
  defineMethod({
    name: 'accounting.currencies.get_rate',
    summary: 'The exchange rate in force at a date (now by default)',
    rest: { method: 'GET', path: '/accounting/currencies/exchange-rate' },
    auth: 'user',
    input: z.object({ from: currencyCode, to: currencyCode, date: dateTime().optional() }),
    output: rate,
    run: (ctx, input) => getExchangeRate(ctx, input),
  }),
  defineMethod({
    name: 'accounting.currencies.rates.create',
    summary: 'Store an exchange rate and its reverse (1/rate)',
    rest: { method: 'POST', path: '/accounting/currencies/rates' },
    auth: 'user',
    input: z.object({ from: currencyCode, to: currencyCode, rate: decimal(12), effective_at: dateTime().optional() }),
    output: createdRate,
    run: (ctx, input) => createExchangeRate(ctx, input),
  }),
  defineMethod({
    name: 'accounting.transactions.create',
    summary: 'Post a postpaid transaction (always created) and move the balance',
    rest: { method: 'POST', path: '/accounting/transactions' },
    auth: 'user',
    input: transactionInput,
    output: transaction,
    run: (ctx, input) => createTransaction(ctx, 'postpaid', input),
  }),
  defineMethod({
    name: 'accounting.transactions.create_no_negative',
    summary: 'Post a prepaid transaction only if balance + credit stays ≥ 0 (else LowBalanceError)',
    rest: { method: 'POST', path: '/accounting/transactions/prepaid' },
    auth: 'user',
    input: transactionInput,
    output: transaction,
    run: (ctx, input) => createTransaction(ctx, 'prepaid', input),
  }),
  defineMethod({
    name: 'accounting.transactions.search',
    summary: 'Transactions of clients in your subtree, newest first',
    rest: { method: 'GET', path: '/accounting/transactions' },
    auth: 'user',
    input: z.object({ ...paging, clients_id: id().optional(), kind: z.enum(['postpaid', 'prepaid']).optional() }),
    output: searchResult(transaction),
    run: (ctx, input) => searchTransactions(ctx, input),
  }),
];
