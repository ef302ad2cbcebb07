import jwt from 'jsonwebtoken';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web';
import { PROGRAM_A } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(__dirname, '../../var/screenshots');

/**
 * A small book with a history: two monthly cohorts of four loans (January and February 2025),
 * month-end history through the history import up to June 2025. Every loan starts at 10 000
 * and pays 1 000 a month; A2 falls 45 days behind in April, defaults in May and is charged off
 * in June; B3 pays off in May.
 */
const MONTH_ENDS = ['2025-01-31', '2025-02-28', '2025-03-31', '2025-04-30', '2025-05-31', '2025-06-30'];
const LOANS = ['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'B4'];
const originated = (n: string) => (n.startsWith('A') ? '2025-01-10' : '2025-02-10');

function stateAt(n: string, i: number): { balance: string; dpd: number; status: string; co: string } | null {
  const start = n.startsWith('A') ? 0 : 1;
  if (i < start) return null;
  const balance = `${10000 - 1000 * (i - start)}.00`;
  if (n === 'A2' && i === 3) return { balance, dpd: 45, status: 'active', co: '' };
  if (n === 'A2' && i === 4) return { balance: '7000.00', dpd: 75, status: 'defaulted', co: '' };
  if (n === 'A2' && i === 5) return { balance: '0.00', dpd: 105, status: 'charged_off', co: '7000.00' };
  if (n === 'B3' && i >= 3) return { balance: '0.00', dpd: 0, status: 'paid_off', co: '' };
  return { balance, dpd: 0, status: 'active', co: '' };
}

const HISTORY = [
  'loan_number,snapshot_date,principal_balance,days_past_due,status,charged_off_amount',
  ...MONTH_ENDS.flatMap((d, i) =>
    LOANS.map((n) => [n, stateAt(n, i)] as const)
      .filter(([, s]) => s)
      .map(([n, s]) => `${n},${d},${s!.balance},${s!.dpd},${s!.status},${s!.co}`),
  ),
].join('\n');

type Drawn = { series: { name: string; points: number }[] };

/**
 * What the page's globals look like from here (this file is compiled without the DOM library).
 * Functions run in the page are passed as functions, not strings: the page's CSP has no 'unsafe-eval'.
 */
type InPage = {
  __charts?: Record<string, { getOption: () => { series: { name: string; data: unknown[] }[] } }>;
  document: { querySelector: (s: string) => unknown; querySelectorAll: (s: string) => ArrayLike<{ children: ArrayLike<{ textContent: string | null }> }> };
  sessionStorage: { length: number };
};

/** What a named chart has drawn, read from the ECharts instance the page registers on window.__charts. */
const drawn = (page: Page, name: string): Promise<Drawn | null> =>
  page.evaluate((n) => {
    const c = (globalThis as unknown as InPage).__charts?.[n];
    return c ? { series: c.getOption().series.map((s) => ({ name: s.name, points: s.data.length })) } : null;
  }, name);

/** Waits until every named chart exists. */
const chartsDrawn = (page: Page, names: string[]) =>
  page.waitForFunction((ns) => ns.every((n) => (globalThis as unknown as InPage).__charts?.[n]), names);

/** Each row of a table as its cells' text. */
const tableRows = (page: Page, selector: string): Promise<(string | null)[][]> =>
  page.evaluate((sel) => Array.from((globalThis as unknown as InPage).document.querySelectorAll(sel)).map((tr) => Array.from(tr.children).map((td) => td.textContent)), `${selector} tbody tr`);

describe('dashboard in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  const org = newOrg();
  let admin: string;
  let viewer: string;
  let key: string;
  let keyId: string;
  let pid: string;
  const urls: string[] = [];
  const pageErrors: string[] = [];

  const api = (path: string, token = viewer) => t.http().get(path).set(bearer(token));

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await buildWeb();
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
    viewer = tokenFor(t.config, org, 'viewer');
    const owner = tokenFor(t.config, org, 'owner');
    pid = (await t.http().post('/portfolios').set(bearer(admin)).send({ name: 'Prime 2025', portfolio_type: 'static' })).body.id;
    await t.http().post('/portfolios').set(bearer(admin)).send({ name: 'Empty book', portfolio_type: 'static' }).expect(201);
    const ids: string[] = [];
    for (const n of LOANS) {
      const last = stateAt(n, MONTH_ENDS.length - 1)!;
      const res = await t.http().post('/loans').set(bearer(admin)).send({
        loan_number: n, borrower_name: `Borrower ${n}`, program_id: PROGRAM_A, origination_date: originated(n), original_principal: '10000.00',
        interest_rate: '0.12', term_months: 12, principal_balance: last.balance, days_past_due: last.dpd, status: last.status,
      });
      if (res.status !== 201) throw new Error(`loan ${n}: ${JSON.stringify(res.body)}`);
      ids.push(res.body.id);
    }
    await t.http().post(`/portfolios/${pid}/loans`).set(bearer(admin)).send({ loan_ids: ids }).expect(200);
    const imported = await t.http().post('/loan-snapshots/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(HISTORY);
    if (imported.status !== 200) throw new Error(`history import: ${JSON.stringify(imported.body)}`);
    const job = await waitForJob(t, admin, imported.body.status_url, 60_000);
    if (job.state !== 'completed') throw new Error(`recompute: ${JSON.stringify(job)}`);
    await t.http().post('/loan-tape-configs').set(bearer(admin)).send({ name: 'Monthly investor tape', portfolio_id: pid, format: 'csv', columns: ['loan_number', 'principal_balance'] }).expect(201);
    const made = await t.http().post('/api-keys').set(bearer(owner)).send({ name: 'dashboard', role: 'admin' }).expect(201);
    key = made.body.key;
    keyId = made.body.id;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  let page: Page;
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('request', (r) => urls.push(r.url()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) pageErrors.push(m.text());
    });
  });
  afterEach(async () => {
    await page.close();
    // A script error or a refused resource (CSP) fails the test that caused it.
    const errors = pageErrors.splice(0);
    if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
  });

  const signIn = async (secret: string) => {
    await page.goto(`${t.url}/app/`);
    await page.fill('#secret', secret);
    await page.keyboard.press('Enter');
  };

  it('serves index.html uncached and hashed assets immutable, under the API’s CSP', async () => {
    const index = await t.http().get('/app/').set('Accept-Encoding', 'gzip, deflate, br');
    expect(index.status).toBe(200);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    const script = /src="(\/app\/assets\/app-[A-Z0-9]+\.js)"/.exec(index.text)?.[1];
    expect(script).toBeDefined();
    const asset = await t.http().get(script!).set('Accept-Encoding', 'br');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-encoding']).toBe('br');
    expect((await t.http().get('/app')).text).toBe(index.text);
    expect((await t.http().get('/app/assets/nope.js')).status).toBe(404);
    expect((await t.http().get('/app/../package.json')).status).toBe(404);
  });

  it('a wrong key shows the sign-in error and stays signed out', async () => {
    await signIn('psk_not-a-real-key');
    await page.waitForSelector('#sign-in-error:not([hidden])');
    expect(await page.textContent('#sign-in-error')).toContain('not accepted');
    expect(await page.evaluate(() => (globalThis as unknown as InPage).sessionStorage.length)).toBe(0);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'sign-in-error.png') });
  });

  it('portfolios list, with the latest snapshot rates', async () => {
    await signIn(key);
    await page.waitForSelector('#portfolio-list table');
    await page.waitForFunction(() => !(globalThis as unknown as InPage).document.querySelector('#portfolio-list .pending'));
    const rows = await tableRows(page, '#portfolio-list');
    const latest = (await api(`/portfolios/${pid}/snapshots?page_size=1`)).body.results[0];
    // June: A1 5 000 + A2 0 + A3 5 000 + A4 5 000 + B1..B4 6 000, 6 000, 0, 6 000 = 33 000
    expect(rows).toContainEqual(['Prime 2025', 'static', 'active', '8', '33,000.00', `${(Number(latest.delinquency_rate) * 100).toFixed(2)} %`, expect.stringMatching(/ %$/), '2025-06-30']);
    expect(rows).toContainEqual(['Empty book', 'static', 'active', '0', '0.00', '—', '—', '—']);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'portfolios.png'), fullPage: true });
  });

  it('a portfolio: every chart drawn with the API’s series and points; CSV downloads equal the export endpoints', async () => {
    await signIn(key);
    await page.waitForSelector('#portfolio-list table');
    const started = Date.now();
    await page.click('text=Prime 2025');
    await page.waitForSelector('.figure');
    await chartsDrawn(page, ['trend', 'buckets', 'vintages', 'performance']);
    await page.waitForSelector('#transitions .empty, #transitions table');
    process.stdout.write(`portfolio page: every panel drawn ${Date.now() - started} ms after the click\n`);

    // The default range is the last 12 months, after this history: choose its half-year instead.
    const [from, to] = ['2025-01-01', '2025-06-30'];
    await page.fill('#range-from', from);
    await page.fill('#range-to', to);
    await page.click('text=Apply');
    await page.waitForFunction(() => (globalThis as unknown as InPage).__charts?.performance.getOption().series[0].data.length === 6);
    await page.waitForFunction(() => (globalThis as unknown as InPage).__charts?.trend.getOption().series[0].data.length === 6);
    await page.waitForSelector('#transitions table');
    const snaps = (await api(`/portfolios/${pid}/snapshots?date_from=${from}&date_to=${to}&page_size=500`)).body.results;
    expect(snaps).toHaveLength(6);
    expect(await drawn(page, 'trend')).toEqual({ series: ['Outstanding', 'Delinquency rate %', 'Default rate %'].map((name) => ({ name, points: 6 })) });
    expect((await drawn(page, 'buckets'))!.series.map((s) => s.points)).toEqual([6, 6, 6, 6, 6, 6]);

    const vintages = (await api(`/portfolios/${pid}/vintages?period=month&basis=months_on_book`)).body.vintages as { vintage: string; curve: unknown[] }[];
    expect(vintages.map((v) => [v.vintage, v.curve.length])).toEqual([['2025-01', 6], ['2025-02', 5]]);
    expect(await drawn(page, 'vintages')).toEqual({ series: vintages.map((v) => ({ name: v.vintage, points: v.curve.length })) });

    const range = `from=${from.slice(0, 7)}&to=${to.slice(0, 7)}`;
    const perf = (await api(`/portfolios/${pid}/performance?${range}`)).body.points as unknown[];
    expect(perf).toHaveLength(6); // January to June 2025
    expect(await drawn(page, 'performance')).toEqual({ series: ['CPR %', 'CDR %', 'Severity %'].map((name) => ({ name, points: 6 })) });
    // The latest period with loans in it: May → June; 7 states in rows and columns
    expect(await page.getAttribute('#transitions table', 'data-period')).toBe('2025-05:2025-06');
    expect(await page.locator('#transitions tbody tr').count()).toBe(7);

    await page.screenshot({ path: resolve(SCREENSHOTS, 'portfolio.png'), fullPage: true });

    const downloaded = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-export="${button}"]`)]);
      return readFileSync((await download.path())!, 'utf8');
    };
    expect(await downloaded('performance-csv')).toBe((await api(`/portfolios/${pid}/performance?${range}&format=csv`)).text);
    expect(await downloaded('snapshots-csv')).toBe((await api(`/portfolios/${pid}/snapshots?date_from=${from}&date_to=${to}&format=csv`)).text);
    expect(await downloaded('vintages-csv')).toBe((await api(`/portfolios/${pid}/vintages?period=month&basis=months_on_book&format=csv`)).text);
    expect(await downloaded('transitions-csv')).toBe((await api(`/portfolios/${pid}/transitions?${range}&format=csv`)).text);

    // Another metric, quarter cohorts on the calendar basis: redrawn from the API's answer
    await page.selectOption('text=Metric >> select', 'cumulative_default_rate');
    await page.selectOption('text=Cohorts >> select', 'quarter');
    await page.selectOption('text=Basis >> select', 'calendar');
    const quarterly = (await api(`/portfolios/${pid}/vintages?period=quarter&basis=calendar`)).body.vintages as { vintage: string; curve: unknown[] }[];
    await page.waitForFunction((n) => (globalThis as unknown as InPage).__charts?.vintages.getOption().series[0]?.name === n, quarterly[0].vintage);
    expect(await drawn(page, 'vintages')).toEqual({ series: quarterly.map((v) => ({ name: v.vintage, points: v.curve.length })) });
  });

  it('tapes and jobs: generating a tape (the one write) shows its job and then the finished tape', async () => {
    await signIn(key);
    await page.waitForSelector('#portfolio-list table');
    await page.click('nav >> text=Tapes and jobs');
    await page.waitForSelector('#tape-configs table');
    await page.click('[data-generate]');
    await page.locator('#tapes .badge.completed').waitFor({ timeout: 60_000 });
    const tapes = (await api('/loan-tapes')).body.results as { status: string; row_count: number }[];
    expect(tapes).toEqual([expect.objectContaining({ status: 'completed', row_count: 8 })]);
    await page.screenshot({ path: resolve(SCREENSHOTS, 'tapes.png'), fullPage: true });
  });

  it('an expired token gets the same sign-in error', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ sub: 'analyst', org, role: 'viewer', iat: now - 7200, exp: now - 3600 }, t.config.jwtSecret, { algorithm: 'HS256' });
    await signIn(expired);
    await page.waitForSelector('#sign-in-error:not([hidden])');
    expect(await page.textContent('#sign-in-error')).toContain('wrong, revoked or expired');
  });

  it('a viewer’s token (Bearer) sees tapes but no way to generate one', async () => {
    await signIn(viewer);
    await page.waitForSelector('#portfolio-list table');
    await page.click('nav >> text=Tapes and jobs');
    await page.waitForSelector('#tape-configs table');
    expect(await page.locator('[data-generate]').count()).toBe(0);
    expect(await page.textContent('#tape-configs')).toContain('admins only');
  });

  it('a key revoked while signed in brings back the sign-in screen with its reason', async () => {
    await signIn(key);
    await page.waitForSelector('#portfolio-list table');
    await t.http().delete(`/api-keys/${keyId}`).set(bearer(tokenFor(t.config, org, 'owner'))).expect(204);
    await page.click('nav >> text=Tapes and jobs');
    await page.waitForSelector('#sign-in-error:not([hidden])');
    expect(await page.textContent('#sign-in-error')).toContain('no longer accepted');
  });

  it('the credential never appears in a URL the page asked for', () => {
    expect(urls.length).toBeGreaterThan(20);
    expect(urls.filter((u) => u.includes(key) || u.includes('psk_not-a-real-key'))).toEqual([]);
  });
});
