import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { startApp, TestApp } from '../support/app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(__dirname, '../../var/screenshots');

/** This machine's own first IPv4 interface address that is not loopback: what a colleague's browser would use. */
function lanAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!found) throw new Error('no non-loopback IPv4 interface on this machine');
  return found.address;
}

/** The operation summaries Swagger UI rendered, once it rendered some (or [] after `waitMs`). */
async function summariesAt(browser: Browser, url: string, waitMs: number, screenshot: string): Promise<string[]> {
  const page = await browser.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForSelector('.opblock-summary-description', { timeout: waitMs }).catch(() => undefined);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SCREENSHOTS, screenshot), fullPage: false });
    return await page.locator('.opblock-summary-description').allTextContents();
  } finally {
    await page.close();
  }
}

describe('Swagger UI in a real browser, over plain http on a non-localhost address', () => {
  let browser: Browser;
  const apps: TestApp[] = [];
  const host = lanAddress();

  const docsUrl = async (env: Record<string, string> = {}) => {
    const app = await startApp(env, { host: '0.0.0.0' });
    apps.push(app);
    return `http://${host}:${new URL(app.url).port}/docs`;
  };

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(apps.map((a) => a.close()));
  });

  it('lists the operations (default CSP: no upgrade-insecure-requests)', async () => {
    const summaries = await summariesAt(browser, await docsUrl(), 30_000, 'docs.png');
    expect(summaries).toEqual(expect.arrayContaining(['List loans, filtered; ordered by loan_number', 'Get a portfolio']));
    expect(summaries.length).toBeGreaterThan(50);
  });

  // The failure this guards against: with the directive the browser asks for the assets over https,
  // which this server does not speak, and the page stays blank.
  it('stays blank with CSP_UPGRADE_INSECURE_REQUESTS=true on plain http', async () => {
    const summaries = await summariesAt(browser, await docsUrl({ CSP_UPGRADE_INSECURE_REQUESTS: 'true' }), 5_000, 'docs-upgrade.png');
    expect(summaries).toEqual([]);
  });
});
