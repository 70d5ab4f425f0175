import type { HttpAnswer, TestApp } from '../support/app.ts';

/** A GET on the license tracker API with `Authorization: Bearer <key>` (no header when the key is null). */
export async function trackerGet(api: TestApp, path: string, key: string | null, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(api.url + path, { headers: { ...(key === null ? {} : { Authorization: `Bearer ${key}` }), ...headers } });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A license tracker key for an MSP, made through the native API. */
export async function trackerKey(api: TestApp, mspId: number): Promise<string> {
  return (await api.call('licenses.api_keys.create', { clients_id: mspId, name: 'PSA sync' })).key;
}
