import { createHmac, randomBytes } from 'node:crypto';

// Two signature schemes on every attempt: seed 004's `X-MLT-Signature: sha256=<hex>` (HMAC of the raw
// body keyed with the secret as written), and Standard Webhooks' `webhook-signature: v1,<base64>` (HMAC of
// "id.timestamp.body" keyed with the secret's decoded bytes).

export const SECRET_PREFIX = 'whsec_';

/** A signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** Seed 004's scheme, which its Node.js `verify` accepts: `sha256=` + hex HMAC-SHA256(secret, body). */
export function mltSignature(secret: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

/** Standard Webhooks' scheme: `v1,` + base64 HMAC-SHA256(base64-decoded secret, `${id}.${timestamp}.${body}`). */
export function standardSignature(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
}

/**
 * The signature headers of one attempt. While a rotated-out secret is still valid, `webhook-signature`
 * carries both signatures and `X-MLT-Signature-Previous` the old secret's, since seed 004's header holds one.
 */
export function signatureHeaders(input: { messageId: string; timestampSeconds: number; body: string; secret: string; previousSecret: string | null }): Record<string, string> {
  const standard = [standardSignature(input.secret, input.messageId, input.timestampSeconds, input.body)];
  const headers: Record<string, string> = { 'X-MLT-Signature': mltSignature(input.secret, input.body) };
  if (input.previousSecret) {
    standard.push(standardSignature(input.previousSecret, input.messageId, input.timestampSeconds, input.body));
    headers['X-MLT-Signature-Previous'] = mltSignature(input.previousSecret, input.body);
  }
  return { ...headers, 'webhook-id': input.messageId, 'webhook-timestamp': String(input.timestampSeconds), 'webhook-signature': standard.join(' ') };
}
