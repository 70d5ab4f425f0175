import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import { MAIL_SEND_JOB } from '../../src/services/mail/queue-mail.ts';
import { browserSkipReason, withPage } from '../support/browser.ts';
import { accountsById, activationPathIn, post, runJobs, startSmtpCapture, startVendorApp, trialBody, type SmtpCapture, type VendorSetup } from '../faces/keeper-vendor-support.ts';

// The invitee's activation page in a real browser: the link from the invitation mail, the form as a
// person fills it in, and what the page says afterwards.

const skip = browserSkipReason();
const captures: SmtpCapture[] = [];
after(async () => {
  for (const capture of captures) await capture.close();
});

async function invitedAccount(vendorInternalId: string, env: Record<string, string> = {}): Promise<{ setup: VendorSetup; link: string }> {
  const smtp = await startSmtpCapture();
  captures.push(smtp);
  const setup = await startVendorApp({ SMTP_URL: smtp.url, ...env });
  assert.equal((await post(setup, '/create-trial-account', trialBody(vendorInternalId, { name: 'Contoso IT' }))).status, 200);
  assert.equal(await runJobs(setup.api, [MAIL_SEND_JOB]), 1);
  return { setup, link: setup.api.url + activationPathIn(smtp.messages.at(-1)!) };
}

/** Types the two passwords as the invitee would, optionally picks a region, and submits the form. */
async function submitForm(page: Page, password: string, confirmation = password, region?: string): Promise<void> {
  await page.fill('#password', password);
  await page.fill('#password_confirmation', confirmation);
  if (region) await page.selectOption('#region', region);
  await page.click('button[type=submit]');
}

test('an invitee opens the mailed link, sets a password and starts the 14-day trial', { skip }, async () => {
  const { setup, link } = await invitedAccount('WEB-1');
  await withPage(async (page) => {
    await page.goto(link);
    assert.equal(await page.title(), 'Activate Contoso IT');
    assert.equal(await page.locator('strong').first().textContent(), 'web-1@msp.example');
    assert.equal(await page.locator('#region').inputValue(), 'US');
    assert.equal(await page.locator('#product_type').inputValue(), 'msp');
    await submitForm(page, 'correct horse battery');
    await page.waitForURL(link);
    assert.equal(await page.locator('h1').textContent(), 'Account activated');
    const text = await page.locator('main').innerText();
    assert.match(text, /Status: TRIAL/);
    assert.match(text, /the 14-day trial runs until 2026-03-24/);
    assert.match(text, /Sign in as web-1@msp\.example/);
  });
  assert.equal((await accountsById(setup))['WEB-1'].status, 'TRIAL');
});

test('the browser refuses a short password before sending it, and the server shows its reason when the two differ', { skip }, async () => {
  const { setup, link } = await invitedAccount('WEB-2');
  await withPage(async (page) => {
    await page.goto(link);
    await submitForm(page, 'short');
    assert.equal(await page.locator('#password').evaluate((input: HTMLInputElement) => input.validity.tooShort), true);
    assert.equal(await page.title(), 'Activate Contoso IT');

    await submitForm(page, 'correct horse battery', 'correct horse staple');
    await page.waitForSelector('[role=alert]');
    assert.equal(await page.locator('[role=alert]').textContent(), 'The two passwords differ');
  });
  assert.equal((await accountsById(setup))['WEB-2'].status, 'PENDING');
});

test('choosing a region this installation does not serve records a REGION_CONFLICT, and the used link then says so', { skip }, async () => {
  const { setup, link } = await invitedAccount('WEB-3');
  await withPage(async (page) => {
    await page.goto(link);
    await submitForm(page, 'correct horse battery', 'correct horse battery', 'EU');
    await page.waitForURL(link);
    assert.equal(await page.locator('h1').textContent(), 'Activation recorded');
    assert.match(await page.locator('main').innerText(), /Status: REGION_CONFLICT[\s\S]*does not serve the region EU/);

    const again = await page.goto(link);
    assert.equal(again?.status(), 410);
    assert.match(await page.locator('[role=alert]').innerText(), /already been used/);
  });
  const account = (await accountsById(setup))['WEB-3'];
  assert.deepEqual([account.status, account.accountRegion], ['REGION_CONFLICT', 'EU']);
});
