import { z } from 'zod';
import { defineMethod } from '../registry.ts';
import { dateTimeOutput, decimal, integer, paging, searchResult } from '../schemas.ts';
import { createProduct } from '../../services/catalog/create-product.ts';
import { getProduct } from '../../services/catalog/get-product.ts';
import { retireProduct } from '../../services/catalog/retire-product.ts';
import { searchProducts } from '../../services/catalog/search-products.ts';
import { updateProduct } from '../../services/catalog/update-product.ts';

const kind = z.enum(['plan', 'addon', 'storage', 'service']);
const proration = z.enum(['quantity', 'price', 'none']);
const productId = () => integer(1, 2_147_483_647);
const optionalText = () => z.string().trim().max(255).nullable().optional();

const product = z.object({
  id: z.number().int(),
  name: z.string(),
  kind,
  usage_unit: z.string(),
  usage_unit_size: z.string(),
  billing_unit: z.string().nullable(),
  proration,
  sort_order: z.number().int(),
  sku: z.string().nullable(),
  uom: z.string().nullable(),
  feature_name: z.string().nullable(),
  vendor: z.string().nullable(),
  service_name: z.string().nullable(),
  status: z.enum(['active', 'retired']),
  created_at: dateTimeOutput(),
  updated_at: dateTimeOutput(),
});

const fields = {
  name: z.string().trim().min(1).max(255),
  kind,
  usage_unit: z.string().max(64).optional(),
  usage_unit_size: decimal(6).optional().meta({ description: 'usage units one held unit shows as, e.g. 1000 GB for 1TB' }),
  billing_unit: optionalText(),
  proration: proration.optional(),
  sort_order: integer(0, 1_000_000).optional(),
  sku: optionalText(),
  uom: optionalText(),
  feature_name: optionalText(),
  vendor: optionalText(),
  service_name: optionalText(),
};

export const catalogMethods = [
  defineMethod({
    name: 'catalog.products.create',
    summary: 'Add a product to the catalog under its own id',
    rest: { method: 'POST', path: '/catalog/products' },
    auth: 'user',
    input: z.object({ id: productId(), ...fields }),
    output: product,
    run: (ctx, input) => createProduct(ctx, input),
  }),
  defineMethod({
    name: 'catalog.products.get',
    summary: 'Get a product',
    rest: { method: 'GET', path: '/catalog/products/:id' },
    auth: 'user',
    input: z.object({ id: productId() }),
    output: product,
    run: (ctx, input) => getProduct(ctx, input.id),
  }),
  defineMethod({
    name: 'catalog.products.search',
    summary: 'The catalog, in catalog order',
    rest: { method: 'GET', path: '/catalog/products' },
    auth: 'user',
    input: z.object({
      ...paging,
      kind: kind.optional(),
      vendor: z.string().optional(),
      sku: z.string().optional(),
      status: z.enum(['active', 'retired']).optional(),
    }),
    output: searchResult(product),
    run: (ctx, input) => searchProducts(ctx, input),
  }),
  defineMethod({
    name: 'catalog.products.update',
    summary: 'Change a product; returns the number of rows changed',
    rest: { method: 'PATCH', path: '/catalog/products/:id' },
    auth: 'user',
    input: z.object({ id: productId(), ...fields }).partial().required({ id: true }),
    output: z.number().int(),
    run: (ctx, input) => updateProduct(ctx, input),
  }),
  defineMethod({
    name: 'catalog.products.delete',
    summary: 'Retire a product (history keeps it); returns the number of rows changed',
    rest: { method: 'DELETE', path: '/catalog/products/:id' },
    auth: 'user',
    input: z.object({ id: productId() }),
    output: z.number().int(),
    run: (ctx, input) => retireProduct(ctx, input.id),
  }),
];
