/**
 * `npx ts-node --transpile-only bench/dashboard.ts <service url> <token> <portfolio id> [runs]`:
 * opens the dashboard's portfolio page in Debian's chromium against a running service (e.g. one
 * on a seeded organization) and prints, per run, the milliseconds from navigation until the
 * header figures, the snapshot trend, and each analytics panel were drawn (or showed an error).
 */
import { chromium, Page } from 'playwright-core';

type InPage = { __charts?: Record<string, unknown>; document: { querySelector: (s: string) => unknown } };

const drawn = (page: Page, name: string) =>
  page.waitForFunction((n) => (globalThis as unknown as InPage).__charts?.[n], name, { timeout: 120_000 });
const shown = (page: Page, panel: string) =>
  page.waitForFunction(
    (p) => (globalThis as unknown as InPage).document.querySelector(`[data-chart="${p}"] canvas, [aria-labelledby="${p}-title"] .error`),
    panel,
    { timeout: 120_000 },
  );

async function main() {
  const [url, token, pid, runs = '3'] = process.argv.slice(2);
  if (!url || !token || !pid) throw new Error('usage: dashboard.ts <url> <token> <portfolio id> [runs]');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${url}/app/`);
  await page.fill('#secret', token);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#portfolio-list table');
  for (let run = 0; run < Number(runs); run++) {
    await page.goto(`${url}/app/#/portfolios`);
    await page.waitForSelector('#portfolio-list table');
    const t0 = Date.now();
    await page.goto(`${url}/app/#/portfolios/${pid}`);
    const marks: Record<string, number> = {};
    const mark = (name: string) => () => (marks[name] = Date.now() - t0);
    await Promise.all([
      page.waitForSelector('.figure', { timeout: 120_000 }).then(mark('figures')),
      drawn(page, 'trend').then(mark('trend')),
      shown(page, 'vintages').then(mark('vintages')),
      shown(page, 'performance').then(mark('performance')),
      page.waitForSelector('#transitions table, #transitions .empty, #transitions .error', { timeout: 120_000 }).then(mark('transitions')),
    ]);
    process.stdout.write(`${JSON.stringify(marks)}\n`);
  }
  await page.screenshot({ path: `var/screenshots/portfolio-${pid}.png`, fullPage: true });
  await browser.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
