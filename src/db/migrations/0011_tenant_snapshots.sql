-- A tenant's users as one compressed document per tenant instead of a row per user: a 10,000-user directory
-- is written as one small row per sync, and the leakage figures read only a compact activity index.
-- Tenants already synced show their users again after their next sync or import.
DROP TABLE tenant_users;

CREATE TABLE tenant_snapshots (
  tenants_id bigint PRIMARY KEY REFERENCES tenants(id),
  user_count integer NOT NULL,
  -- Every user as the provider reported it: JSON [[id, display_name, user_principal_name, enabled, [SKU, …],
  -- created at, last sign-in (epoch ms or null)], …], raw-deflated, in base64.
  users_deflated text NOT NULL,
  -- Per licensed user, what the inactivity rule reads: JSON [[activity, "SKU", …], …], raw-deflated, in base64;
  -- activity is -1 for a disabled user, else its last sign-in (or, never signed in, its creation) in epoch ms, 0 if unknown.
  activity_deflated text NOT NULL,
  taken_at timestamptz NOT NULL
);
