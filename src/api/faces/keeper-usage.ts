import { QUANTITY_DECIMAL_PLACES, toWireNumber } from '../../domain/money.ts';
import { encodeCompanyId } from './company-id.ts';

// The monthly-usage and current-usage bodies of seed 001, shared by the keeper-billing and
// keeper-vendor faces. Keys are written in the seed's order, numbers exact to 2 dp.

interface NativeLine {
  products_id: number;
  product_name: string;
  unit: string | null;
  quantity: string;
  unit_price: string;
  avg_monthly_cost: string;
}
interface NativeHolder {
  clients_id: number;
  name: string;
  total: string;
  lines: NativeLine[];
}
export interface NativeStatement {
  currency: string;
  companies: NativeHolder[];
  msp_item: NativeHolder | null;
  sub_total: string;
  tax: string;
  total: string;
}

const productOf = (line: NativeLine) => ({
  // A sub-cent price (0.045 per GB) travels exactly; the statement's amounts are cents.
  unitPrice: toWireNumber(line.unit_price, QUANTITY_DECIMAL_PLACES),
  ...(line.unit !== null && { unit: line.unit }),
  quantity: toWireNumber(line.quantity),
  productId: line.products_id,
  productName: line.product_name,
  avgMonthlyCost: toWireNumber(line.avg_monthly_cost),
});

const holderOf = (holder: NativeHolder) => ({
  companyId: encodeCompanyId(holder.clients_id),
  total: toWireNumber(holder.total),
  companyName: holder.name,
  products: holder.lines.map(productOf),
});

/** `usage` of the monthly-usage answer (billing-rules.md §3). */
export function monthlyUsageBody(statement: NativeStatement) {
  return {
    total: toWireNumber(statement.total),
    tax: toWireNumber(statement.tax),
    currency: statement.currency,
    mcItems: statement.companies.map(holderOf),
    subTotal: toWireNumber(statement.sub_total),
    ...(statement.msp_item && { mspItem: holderOf(statement.msp_item) }),
  };
}

interface NativeUsageHolder {
  clients_id: number;
  name: string;
  plan: string | null;
  invited_users: number;
  max_users: number;
  products: { products_id: number; product_name: string; unit: string; quantity: string }[];
}

const usageProducts = (holder: NativeUsageHolder) =>
  holder.products.map((product) => ({
    unit: product.unit,
    quantity: toWireNumber(product.quantity, QUANTITY_DECIMAL_PLACES),
    productId: product.products_id,
    productName: product.product_name,
  }));

/** `usage` of the current-usage answer (billing-rules.md §4). */
export function currentUsageBody(usage: { msp_item: NativeUsageHolder; companies: NativeUsageHolder[] }) {
  return {
    mcItems: usage.companies.map((company) => ({
      companyId: encodeCompanyId(company.clients_id),
      companyName: company.name,
      plan: company.plan ?? '',
      invitedUsers: company.invited_users,
      maximumAllowedUsers: company.max_users,
      products: usageProducts(company),
    })),
    mspItem: {
      companyId: encodeCompanyId(usage.msp_item.clients_id),
      companyName: usage.msp_item.name,
      invitedUsers: usage.msp_item.invited_users,
      products: usageProducts(usage.msp_item),
    },
  };
}
