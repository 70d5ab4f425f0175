import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browserSkipReason, withPage } from '../support/browser.ts';
import { startTestApp } from '../support/app.ts';

// The interactive API reference at /docs, as a developer opens it: served offline, and listing every
// method of the registry under its REST route.

const skip = browserSkipReason();

test('/docs renders every method of the registry and shows a method\'s parameters when opened', { skip }, async () => {
  const api = await startTestApp();
  const document = await (await fetch(`${api.url}/openapi.json`)).json();
  const operations = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
  const outside: string[] = [];
  await withPage(async (page) => {
    page.on('request', (request) => {
      if (!request.url().startsWith(api.url) && !request.url().startsWith('data:')) outside.push(request.url());
    });
    await page.goto(`${api.url}/docs`);
    await page.waitForSelector('.opblock');
    assert.equal(await page.title(), 'Seatledger API');
    const logo = (await page.locator('.topbar img').getAttribute('src')) ?? '';
    assert.match(Buffer.from(logo.replace(/^data:image\/svg\+xml;base64,/, ''), 'base64').toString(), />Seatledger<\/text>/);
    assert.equal(await page.locator('.opblock').count(), operations.length);
    const clientsGet = page.locator('.opblock-get', { has: page.locator('[data-path="/clients/{id}"]') }).first();
    await clientsGet.locator('.opblock-summary-control').click();
    await clientsGet.locator('.parameters').waitFor();
    assert.match(await clientsGet.locator('.parameters').innerText(), /\bid\b/);
  });
  assert.deepEqual(outside, [], 'the page loads nothing from outside this installation');
});
