import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { checkHost, isForbiddenAddress, RefusedAddress } from './address-guard.ts';

// One webhook POST: no redirects followed, one deadline for the whole exchange, at most a few KB of the
// answer kept, and (unless private receivers are allowed) the guard applied to the very addresses the
// connection uses, so a name that changes its answer after the check still cannot reach inside.

export type WebhookErrorClass = 'timeout' | 'network' | 'refused_address' | 'redirect' | 'http_4xx' | 'http_429' | 'http_5xx';

export interface PostOutcome {
  status: number | null;
  /** The start of what the receiver answered. */
  responseBody: string | null;
  retryAfter: string | null;
  latencyMs: number;
  errorClass: WebhookErrorClass | null;
  error: string | null;
}

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** How much of the answer to keep. */
  keepBytes?: number;
}

function guardedLookup(hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const forbidden = addresses.find((entry) => isForbiddenAddress(entry.address));
    if (forbidden) return callback(new RefusedAddress(`${hostname} resolves to ${forbidden.address}, which is not a public address`) as NodeJS.ErrnoException, []);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}

class LookupTimeout extends Error {}

/** Posts a JSON body; never throws: what happened is in the outcome. */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostOutcome> {
  const started = performance.now();
  const outcome = (fields: Partial<PostOutcome>): PostOutcome => ({
    status: null,
    responseBody: null,
    retryAfter: null,
    errorClass: null,
    error: null,
    ...fields,
    latencyMs: Math.round(performance.now() - started),
  });
  let target: URL;
  // One deadline for the whole attempt: a slow name lookup spends the receiver's time, not more.
  let lookupTimer: NodeJS.Timeout | undefined;
  try {
    target = new URL(url);
    if (!options.allowPrivate) {
      const tooLate = new Promise<never>((_resolve, reject) => {
        lookupTimer = setTimeout(() => reject(new LookupTimeout(`No answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      });
      await Promise.race([checkHost(target.hostname), tooLate]);
    }
  } catch (error) {
    const errorClass = error instanceof RefusedAddress ? 'refused_address' : error instanceof LookupTimeout ? 'timeout' : 'network';
    return outcome({ errorClass, error: (error as Error).message });
  } finally {
    clearTimeout(lookupTimer);
  }
  const remainingMs = Math.max(1, options.timeoutMs - (performance.now() - started));
  const keep = options.keepBytes ?? 2048;
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (result: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const requestOptions: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      ...(options.allowPrivate ? {} : { lookup: guardedLookup as RequestOptions['lookup'] }),
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target, requestOptions, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < keep) chunks.push(chunk.subarray(0, keep - size));
        size += chunk.length;
      });
      response.on('error', () => undefined);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const retryAfter = typeof response.headers['retry-after'] === 'string' ? response.headers['retry-after'] : null;
        const text = Buffer.concat(chunks).toString('utf8');
        const errorClass: WebhookErrorClass | null =
          status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? 'redirect' : status === 429 ? 'http_429' : status >= 500 ? 'http_5xx' : 'http_4xx';
        finish(outcome({ status, responseBody: text, retryAfter, errorClass, error: errorClass ? `HTTP ${status}` : null }));
      });
    });
    const deadline = setTimeout(() => {
      request.destroy(new Error(`No answer within ${options.timeoutMs} ms`));
      finish(outcome({ errorClass: 'timeout', error: `No answer within ${options.timeoutMs} ms` }));
    }, remainingMs);
    request.on('error', (error) => {
      finish(outcome({ errorClass: error instanceof RefusedAddress ? 'refused_address' : 'network', error: error.message }));
    });
    request.end(body);
  });
}
