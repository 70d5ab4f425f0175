-- Seat alerts are one per change of a SKU's purchased count: their subject names the change
-- (SKU:from:to), no longer the SKU alone. Open ones keep matching the rule after the upgrade.
UPDATE alerts
SET subject = subject || ':' || (data->>'from') || ':' || (data->>'to')
WHERE type IN ('seat_increase', 'seat_decrease')
  AND status <> 'resolved'
  AND subject NOT LIKE '%:%'
  AND data ? 'from' AND data ? 'to';
