-- The product catalog: data, not code. Keeper's table, backup SKUs and M365 SKUs live side by side.
CREATE TABLE products (
  id integer PRIMARY KEY CHECK (id > 0),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('plan', 'addon', 'storage', 'service')),
  usage_unit text NOT NULL DEFAULT '',
  usage_unit_size numeric(20, 6) NOT NULL DEFAULT 1 CHECK (usage_unit_size > 0),
  billing_unit text,
  proration text NOT NULL DEFAULT 'quantity' CHECK (proration IN ('quantity', 'price', 'none')),
  -- Catalog order: within a company, lines follow it after the plan.
  sort_order integer NOT NULL,
  sku text,
  uom text,
  feature_name text,
  vendor text,
  service_name text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX products_order ON products (sort_order, id);
