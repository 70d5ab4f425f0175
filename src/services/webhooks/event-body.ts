// The bodies of seed 004: `alert.created` carries the alert (its tenant as a display name, no status);
// every other event carries its data. `deliveredAt` is the time of the attempt.

export const WEBHOOK_EVENTS = ['alert.created', 'account.status_changed', 'statement.closed', 'usage.quantity_changed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The raw body of one attempt. */
export function webhookBody(event: string, data: Record<string, unknown>, deliveredAt: Date): string {
  if (event === 'alert.created') {
    return JSON.stringify({
      event,
      alert: { id: data.id, type: data.type, severity: data.severity, title: data.title, message: data.message, tenant: data.tenant ?? null, createdAt: data.createdAt },
      deliveredAt: deliveredAt.toISOString(),
    });
  }
  return JSON.stringify({ event, data, deliveredAt: deliveredAt.toISOString() });
}
