import { existsSync } from 'node:fs';
import { after } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

// Pages are tested in Debian's Chromium, driven by playwright-core. CI installs the package; on a
// machine without it the page tests are skipped locally and refused under CI, so CI never passes
// without having run them.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or false when they can. */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  if (process.env.CI) throw new Error(`Chromium is required under CI and is missing at ${CHROMIUM_PATH} (apt-get install chromium)`);
  return `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
}

let browser: Promise<Browser> | undefined;

after(async () => {
  if (browser) await (await browser).close();
});

/** One headless Chromium per test file; the flags keep it off the network it would otherwise call home to. */
export function launchBrowser(): Promise<Browser> {
  browser ??= chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

/** Runs `work` in a fresh page of the file's browser, and closes the page whatever happens. */
export async function withPage<T>(work: (page: Page) => Promise<T>): Promise<T> {
  const page = await (await launchBrowser()).newPage();
  try {
    return await work(page);
  } finally {
    await page.close();
  }
}
