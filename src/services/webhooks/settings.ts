import type { Database } from '../../db/connection.ts';

export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE=1: receivers on loopback and private networks are allowed (tests, on-premise). */
  allowPrivate: boolean;
  /** A 2xx must arrive within this time. */
  timeoutMs: number;
  userAgent: string;
}

const DEFAULTS: WebhookSettings = Object.freeze({ allowPrivate: false, timeoutMs: 15_000, userAgent: 'Seatledger-Webhooks' });
const settings = new WeakMap<Database, WebhookSettings>();

export function configureWebhooks(db: Database, values: Partial<WebhookSettings>): void {
  settings.set(db, { ...DEFAULTS, ...values });
}

export function webhookSettingsOf(db: Database): WebhookSettings {
  return settings.get(db) ?? DEFAULTS;
}
