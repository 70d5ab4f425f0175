-- A closed statement's lines become rows of their own, written by the close in the database itself,
-- instead of one JSON body per MSP (megabytes for a large MSP, parsed and rewritten at every close).
-- Each row is frozen: names, kinds and sort keys as they were at close, and the intervals that
-- produced the figures (`breakdown_*`, one array element per piece of billable time; pieces that
-- touch and hold the same quantity are read as one interval).
CREATE TABLE statement_lines (
  statements_id bigint NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
  owner text NOT NULL CHECK (owner IN ('company', 'msp')),
  -- No foreign key: a closed statement keeps naming a company that was purged since.
  clients_id bigint NOT NULL,
  client_name text NOT NULL,
  products_id integer NOT NULL,
  product_name text NOT NULL,
  product_kind text NOT NULL,
  catalog_order integer NOT NULL,
  billing_unit text,
  quantity numeric NOT NULL,
  unit_price numeric NOT NULL,
  amount numeric NOT NULL,
  breakdown_from timestamptz[] NOT NULL,
  breakdown_to timestamptz[] NOT NULL,
  breakdown_quantity numeric[] NOT NULL,
  -- The month the breakdown's fractions are of: this statement's, or for an adjustment line the adjusted month's.
  breakdown_month_ms bigint NOT NULL,
  -- What each named consumer (user, device) held, when the ledger named them.
  details text[],
  detail_quantities numeric[],
  -- An adjustment line: the closed month it corrects and what that month billed and should have billed.
  adjusts_month text,
  adjusts_product_name text,
  adjusts_billed numeric,
  adjusts_rerated numeric,
  adjusts_previously_adjusted numeric
);
CREATE INDEX statement_lines_statement ON statement_lines (statements_id);

ALTER TABLE statements ADD COLUMN client_name text;
ALTER TABLE statements ADD COLUMN tax_rate numeric(9, 6);

-- Statements closed before this release: their bodies become rows.
UPDATE statements SET client_name = coalesce(body->'mspItem'->>'companyName', ''), tax_rate = coalesce((body->>'taxRate')::numeric, 0);

INSERT INTO statement_lines (
  statements_id, owner, clients_id, client_name, products_id, product_name, product_kind, catalog_order, billing_unit,
  quantity, unit_price, amount, breakdown_from, breakdown_to, breakdown_quantity, breakdown_month_ms,
  details, detail_quantities, adjusts_month, adjusts_product_name, adjusts_billed, adjusts_rerated, adjusts_previously_adjusted)
SELECT s.id, holder.owner, (holder.item->>'companyId')::bigint, holder.item->>'companyName',
       (line->>'productId')::integer, line->>'productName', line->>'productKind', (line->>'catalogOrder')::integer, line->>'billingUnit',
       (line->>'quantity')::numeric, (line->>'unitPrice')::numeric, (line->>'avgMonthlyCost')::numeric,
       ARRAY(SELECT (b->>'from')::timestamptz FROM jsonb_array_elements(line->'breakdown') WITH ORDINALITY e(b, n) ORDER BY n),
       ARRAY(SELECT (b->>'to')::timestamptz FROM jsonb_array_elements(line->'breakdown') WITH ORDINALITY e(b, n) ORDER BY n),
       ARRAY(SELECT (b->>'quantity')::numeric FROM jsonb_array_elements(line->'breakdown') WITH ORDINALITY e(b, n) ORDER BY n),
       -- An adjustment line's breakdown is of the adjusted month, in the MSP's billing time zone.
       CASE WHEN line ? 'adjusts'
            THEN (SELECT round(extract(epoch FROM ((local_start + interval '1 month') AT TIME ZONE c.billing_time_zone) - (local_start AT TIME ZONE c.billing_time_zone)) * 1000)
                  FROM (SELECT make_timestamp(split_part(line->'adjusts'->>'month', '-', 1)::int, split_part(line->'adjusts'->>'month', '-', 2)::int, 1, 0, 0, 0) AS local_start) adjusted)
            ELSE round(extract(epoch FROM s.period_end - s.period_start) * 1000) END,
       CASE WHEN line ? 'details' THEN ARRAY(SELECT d->>'detail' FROM jsonb_array_elements(line->'details') WITH ORDINALITY e(d, n) ORDER BY n) END,
       CASE WHEN line ? 'details' THEN ARRAY(SELECT (d->>'quantity')::numeric FROM jsonb_array_elements(line->'details') WITH ORDINALITY e(d, n) ORDER BY n) END,
       line->'adjusts'->>'month', line->'adjusts'->>'productName', (line->'adjusts'->>'billed')::numeric,
       (line->'adjusts'->>'rerated')::numeric, (line->'adjusts'->>'previouslyAdjusted')::numeric
FROM statements s
JOIN clients c ON c.id = s.clients_id
CROSS JOIN LATERAL (
  SELECT 'company' AS owner, item FROM jsonb_array_elements(s.body->'mcItems') item
  UNION ALL
  SELECT 'msp', s.body->'mspItem' WHERE jsonb_typeof(s.body->'mspItem') = 'object'
) holder
CROSS JOIN LATERAL jsonb_array_elements(holder.item->'lines') line;

ALTER TABLE statements ALTER COLUMN client_name SET NOT NULL;
ALTER TABLE statements ALTER COLUMN tax_rate SET NOT NULL;
ALTER TABLE statements DROP COLUMN body;

-- The close (and a draft) reads each holder's ledger per (product, consumer, effective instant), the
-- latest recorded row first: in this order the index hands the winners over without a sort.
DROP INDEX quantity_ledger_series;
CREATE INDEX quantity_ledger_series ON quantity_ledger (clients_id, products_id, detail, effective_at, recorded_at DESC, id DESC) INCLUDE (quantity);
-- The few holders whose rows name consumers are rated apart; this finds them.
CREATE INDEX quantity_ledger_named ON quantity_ledger (clients_id) WHERE detail IS NOT NULL;
