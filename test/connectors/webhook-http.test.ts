import assert from 'node:assert/strict';
import dns from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { syncBuiltinESMExports } from 'node:module';
import { mock, test } from 'node:test';
import { postWebhook } from '../../src/connectors/webhook-http.ts';

// The delivery connection itself, below the guard's first check: a name that answers a public address
// to the check and a private one when the connection is made (DNS rebinding) is still refused.

test('a receiver name that rebinds to loopback after the check is refused at connect, and nothing is sent', async (t) => {
  let received = 0;
  const server = createServer((_request, response) => {
    received++;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;

  // The check resolves through dns.promises, the connection through dns.lookup: answer each differently.
  const checked = mock.method(dns.promises, 'lookup', async () => [{ address: '93.184.216.34', family: 4 }]);
  const connected = mock.method(dns, 'lookup', (_hostname: string, _options: unknown, callback: (error: null, addresses: dns.LookupAddress[]) => void) => callback(null, [{ address: '127.0.0.1', family: 4 }]));
  syncBuiltinESMExports();
  t.after(() => {
    mock.restoreAll();
    syncBuiltinESMExports();
  });

  const outcome = await postWebhook(`http://rebinding.example:${port}/hooks`, { 'Content-Type': 'application/json' }, '{}', { timeoutMs: 5000, allowPrivate: false });
  assert.equal(outcome.errorClass, 'refused_address');
  assert.match(outcome.error ?? '', /rebinding\.example resolves to 127\.0\.0\.1, which is not a public address/);
  assert.equal(received, 0);
  assert.deepEqual([checked.mock.callCount(), connected.mock.callCount()], [1, 1]);
});

test('a name lookup that does not answer spends the attempt’s deadline and ends as a timeout', async (t) => {
  mock.method(dns.promises, 'lookup', () => new Promise(() => undefined));
  syncBuiltinESMExports();
  t.after(() => {
    mock.restoreAll();
    syncBuiltinESMExports();
  });
  const outcome = await postWebhook('http://slow-dns.example/hooks', {}, '{}', { timeoutMs: 200, allowPrivate: false });
  assert.deepEqual([outcome.errorClass, outcome.error], ['timeout', 'No answer within 200 ms']);
});
