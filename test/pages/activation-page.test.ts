import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MAIL_SEND_JOB } from '../../src/services/mail/queue-mail.ts';
import { browserSkipReason, launchBrowser } from '../support/browser.ts';
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

test('an invitee opens the mailed link, sets a password and starts the 14-day trial', { skip }, async () => {
  const { setup, link } = await invitedAccount('WEB-1');
  const page = await (await launchBrowser()).newPage();
  try {
    await page.goto(link);
    assert.equal(await page.title(), 'Activate Contoso IT');
    assert.equal(await page.locator('strong').first().textContent(), 'web-1@msp.example');
    assert.equal(await page.locator('#region').inputValue(), 'US');
    assert.equal(await page.locator('#product_type').inputValue(), 'msp');
    await page.fill('#password', 'correct horse battery');
    await page.fill('#password_confirmation', 'correct horse battery');
    await page.click('button[type=submit]');
    await page.waitForURL(link);
    assert.equal(await page.locator('h1').textContent(), 'Account activated');
    const text = await page.locator('main').innerText();
    assert.match(text, /Status: TRIAL/);
    assert.match(text, /the 14-day trial runs until 2026-03-24/);
    assert.match(text, /Sign in as web-1@msp\.example/);
  } finally {
    await page.close();
  }
  assert.equal((await accountsById(setup))['WEB-1'].status, 'TRIAL');
});

test('the browser refuses a short password before sending it, and the server shows its reason when the two differ', { skip }, async () => {
  const { setup, link } = await invitedAccount('WEB-2');
  const page = await (await launchBrowser()).newPage();
  try {
    await page.goto(link);
    await page.fill('#password', 'short');
    await page.fill('#password_confirmation', 'short');
    await page.click('button[type=submit]');
    assert.equal(await page.locator('#password').evaluate((input: HTMLInputElement) => input.validity.tooShort), true);
    assert.equal(await page.title(), 'Activate Contoso IT');

    await page.fill('#password', 'correct horse battery');
    await page.fill('#password_confirmation', 'correct horse staple');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    assert.equal(await page.locator('[role=alert]').textContent(), 'The two passwords differ');
  } finally {
    await page.close();
  }
  assert.equal((await accountsById(setup))['WEB-2'].status, 'PENDING');
});

test('choosing a region this installation does not serve records a REGION_CONFLICT, and the used link then says so', { skip }, async () => {
  const { setup, link } = await invitedAccount('WEB-3');
  const page = await (await launchBrowser()).newPage();
  try {
    await page.goto(link);
    await page.fill('#password', 'correct horse battery');
    await page.fill('#password_confirmation', 'correct horse battery');
    await page.selectOption('#region', 'EU');
    await page.click('button[type=submit]');
    await page.waitForURL(link);
    assert.equal(await page.locator('h1').textContent(), 'Activation recorded');
    assert.match(await page.locator('main').innerText(), /Status: REGION_CONFLICT[\s\S]*does not serve the region EU/);

    const again = await page.goto(link);
    assert.equal(again?.status(), 410);
    assert.match(await page.locator('[role=alert]').innerText(), /already been used/);
  } finally {
    await page.close();
  }
  const account = (await accountsById(setup))['WEB-3'];
  assert.deepEqual([account.status, account.accountRegion], ['REGION_CONFLICT', 'EU']);
});
