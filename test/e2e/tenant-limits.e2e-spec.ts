import { request as httpRequest, type ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { TenantDb } from '../../src/database/tenant-db';
import { withOrgSql } from '../factories/db';
import { insertLoans, insertPortfolio, PROGRAM_A } from '../factories/loans';
import { eventually } from '../support/redis-server';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

const HEADER = 'loan_number,borrower_name,program_id,origination_date,original_principal,principal_balance,interest_rate,term_months';
const row = (n: string, date = '2025-05-01') => `${n},Ada,${PROGRAM_A},${date},1000.00,900.00,0.05,24`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/**
 * A raw upload: headers and `first` go out, then nothing until the test says so. `answer`
 * settles when the service responds (or the socket closes without one).
 */
function upload(url: string, token: string, first: string | Buffer): { req: ClientRequest; answer: Promise<Answer | null> } {
  const req = httpRequest(`${url}/loans/import`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv', 'Transfer-Encoding': 'chunked' },
  });
  const answer = new Promise<Answer | null>((resolve) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }));
      res.on('error', () => resolve(null));
    });
    req.on('error', () => resolve(null));
  });
  req.write(first);
  return { req, answer };
}

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

/** Loans straight in the table, in one statement: `n` of them originated on `date`, in `portfolio`. */
const insertOldLoans = (org: string, portfolio: string, n: number, date: string) =>
  withOrgSql(org, (c) =>
    c.query(
      `INSERT INTO loans (loan_number, borrower_name, program_id, origination_date, original_principal, principal_balance,
                          interest_rate, term_months, portfolio_id)
       SELECT 'OLD-' || i, 'Old', $1, $2, 1000, 900, 0.05, 24, $3 FROM generate_series(1, $4) i`,
      [PROGRAM_A, date, portfolio, n],
    ),
  );

describe('one tenant cannot starve the others (e2e)', () => {
  let t: TestApp;
  const orgA = newOrg();
  const orgB = newOrg();
  const errorLogs: string[] = [];

  beforeAll(async () => {
    const logs = new Writable({ write: (line: Buffer, _enc, done) => (errorLogs.push(line.toString()), done()) });
    // The stalled uploads must stay stalled for the whole test, however slow the machine.
    t = await startApp(
      { DATABASE_POOL_SIZE: '10', IMPORT_MAX_CONCURRENT_PER_ORG: '10', IMPORT_BODY_IDLE_TIMEOUT_MS: '120000', LOG_LEVEL: 'error' },
      { logs },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (org: string, csv: string) =>
    t.http().post('/loans/import').set(bearer(tokenFor(t.config, org))).set('Content-Type', 'text/csv').send(csv);

  it('ten stalled uploads hold no connection: another organization reads and imports; the 11th upload gets 429', async () => {
    const stalled = Array.from({ length: 10 }, () => upload(t.url, tokenFor(t.config, orgA), `${HEADER}\n`));
    try {
      // Once all ten are inside the import, the 11th is refused at once, before its body is read.
      await eventually(() => t.http().get('/metrics'), (r) => /^loan_imports_in_progress 10$/m.test(r.text));
      const refused = await post(orgA, `${HEADER}\n`);
      expect(refused.status).toBe(429);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({ status: 429, type: expect.stringContaining('too-many-imports') });

      const started = Date.now();
      const list = await t.http().get('/portfolios').set(bearer(tokenFor(t.config, orgB, 'viewer'))).timeout(2000);
      expect(list.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
      const other = await post(orgB, `${HEADER}\n${row('B-1')}\n`).timeout(5000);
      expect([other.status, other.body]).toEqual([200, { inserted: 1, updated: 0 }]);
    } finally {
      for (const s of stalled) s.req.destroy();
    }
    // A client that hangs up gives its slot back, and is no server error.
    const again = await eventually(() => post(orgA, `${HEADER}\n${row('A-1')}\n`), (r) => r.status === 200);
    expect(again.body).toEqual({ inserted: 1, updated: 0 });
    expect(errorLogs.filter((l) => l.includes('Unhandled error'))).toEqual([]);
  });

  it('refuses invalid UTF-8 naming its line; a BOM is fine', async () => {
    const bad = Buffer.concat([Buffer.from(`${HEADER}\n${row('U-1')}\n${row('U-2')}\nU-3,Ad`), Buffer.from([0xc3, 0x28]), Buffer.from(`,${PROGRAM_A},2025-05-01,1,1,0.05,24\n`)]);
    const res = await t.http().post('/loans/import').set(bearer(tokenFor(t.config, orgA))).set('Content-Type', 'text/csv').send(bad);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ line: 4, field: 'csv', message: 'is not valid UTF-8' }]);
    const bom = await post(newOrg(), `\ufeff${HEADER}\n${row('U-4')}\n`);
    expect([bom.status, bom.body]).toEqual([200, { inserted: 1, updated: 0 }]);
  });

  it('refuses an over-long record, an over-long line and too many columns with 422, writing nothing', async () => {
    const org = newOrg();
    // A quoted name of 70 000 bytes on 70 lines of 1 000: every line is short, the record is not.
    const longName = `"${Array.from({ length: 70 }, () => 'x'.repeat(999)).join('\n')}"`;
    const record = await post(org, `${HEADER}\n${row('R-1')}\n${row('R-2').replace('Ada', longName)}\n`);
    expect(record.status).toBe(422);
    expect(record.body.errors).toEqual([{ line: 3, field: 'csv', message: expect.stringMatching(/maximum/i) }]);
    // 100 000 commas on line 2: a hundred thousand fields, refused before anything parses them.
    const commas = await post(org, `${HEADER}\n${','.repeat(100_000)}\n`);
    expect(commas.status).toBe(422);
    expect(commas.body.errors).toEqual([{ line: 2, field: 'csv', message: expect.stringContaining('line longer than') }]);
    const wide = await post(org, `${HEADER},${Array.from({ length: 100 }, (_, i) => `c${i}`).join(',')}\n`);
    expect(wide.status).toBe(422);
    expect(wide.body.errors).toEqual([{ line: 1, field: 'header', message: 'has 108 columns; at most 64' }]);
    expect((await t.http().get('/loans').set(bearer(tokenFor(t.config, org)))).body.count).toBe(0);
  });

  it('refuses origination dates before 1900-01-01 at create (400), update (400) and import (422)', async () => {
    const org = newOrg();
    const auth = bearer(tokenFor(t.config, org));
    const loan = {
      loan_number: 'OD-1', borrower_name: 'Ada', program_id: PROGRAM_A, origination_date: '1899-12-31',
      original_principal: '1000.00', principal_balance: '900.00', interest_rate: '0.05', term_months: 24,
    };
    const early = await t.http().post('/loans').set(auth).send(loan);
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([{ field: 'origination_date', message: expect.stringContaining('1900-01-01') }]);
    const ok = await t.http().post('/loans').set(auth).send({ ...loan, origination_date: '1900-01-01' });
    expect(ok.status).toBe(201);
    const put = await t.http().put(`/loans/${ok.body.id}`).set(auth).send({ origination_date: '0001-01-01' });
    expect(put.status).toBe(400);
    expect(put.body.errors).toEqual([{ field: 'origination_date', message: expect.stringContaining('1900-01-01') }]);
    const imported = await post(org, `${HEADER}\n${row('OD-2', '1900-01-01')}\n${row('OD-3', '1066-10-14')}\n`);
    expect(imported.status).toBe(422);
    expect(imported.body.errors).toEqual([{ line: 3, field: 'origination_date', message: 'must be on or after 1900-01-01' }]);
  });
});

describe('bounded waits: bodies, queries and the pool (e2e)', () => {
  let t: TestApp;
  let db: TenantDb;

  beforeAll(async () => {
    t = await startApp({
      DATABASE_POOL_SIZE: '2',
      DATABASE_ACQUIRE_TIMEOUT_MS: '500',
      DATABASE_STATEMENT_TIMEOUT_MS: '1000',
      IMPORT_BODY_IDLE_TIMEOUT_MS: '300',
      IMPORT_MAX_BYTES: '4096',
    });
    db = t.app.get(TenantDb);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('cuts off an upload whose body stalls with 408, and one over the size limit with 413', async () => {
    const stalled = upload(t.url, tokenFor(t.config, newOrg()), `${HEADER}\n`);
    const answer = await within(5000, stalled.answer);
    expect(answer).toMatchObject({ status: 408, body: { type: expect.stringContaining('body-timeout'), errors: [{ field: 'body' }] } });
    expect(answer?.headers['content-type']).toMatch(/application\/problem\+json/);

    const big = `${HEADER}\n${Array.from({ length: 60 }, (_, i) => row(`S-${i}`)).join('\n')}\n`;
    const declared = await t.http().post('/loans/import').set(bearer(tokenFor(t.config, newOrg()))).set('Content-Type', 'text/csv').send(big);
    expect(declared.status).toBe(413);
    expect(declared.body.errors).toEqual([{ field: 'body', message: 'must be at most 4096 bytes' }]);
  });

  it('a viewer’s slow analytics query is stopped by the statement timeout: 503 problem, not minutes', async () => {
    const org = newOrg();
    const portfolio = await insertPortfolio(org);
    // Vintage curves read every month-end of the cohort loans and work out each one's scheduled
    // principal (a numeric power): ten years of month-ends of 3 000 amortising loans.
    await insertOldLoans(org, portfolio, 3000, '2014-12-01');
    await withOrgSql(org, async (c) => {
      await c.query(`SELECT ensure_loan_snapshot_partitions('2015-01-01', '2024-12-31')`);
      await c.query(
        `INSERT INTO loan_snapshots (loan_id, portfolio_id, snapshot_date, original_principal, principal_balance, interest_rate,
                                     term_months, days_past_due, delinquency_bucket, status)
         SELECT l.id, l.portfolio_id, ('2015-01-15'::date + make_interval(months => k))::date, 1000, 900 - k, 0.05, 360, 0, 'current', 'active'
           FROM loans l CROSS JOIN generate_series(0, 119) k WHERE l.organization_id = $1`,
        [org],
      );
    });
    const started = Date.now();
    const res = await t.http().get(`/portfolios/${portfolio}/vintages`).set(bearer(tokenFor(t.config, org, 'viewer')));
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 503, type: expect.stringContaining('query-timeout') });
    expect(Date.now() - started).toBeLessThan(10_000);
    // Work outside a request (a job) has its own, longer bound.
    expect(await db.read(org, (m) => m.rows('SELECT 1 AS slept FROM pg_sleep(1.2)'))).toEqual([{ slept: 1 }]);
  });

  it('a saturated tenant pool: /health/ready says so, and a request gets 503 within the acquire timeout', async () => {
    const org = newOrg();
    // Test-only hook (never reachable over HTTP): three slow queries for a pool of two.
    const sleeps = Array.from({ length: 3 }, () => db.read(org, (m) => m.exec('SELECT pg_sleep(3)')));
    try {
      const ready = await eventually(() => t.http().get('/health/ready'), (r) => r.status === 503, 2500);
      expect(ready.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(ready.body).toMatchObject({ checks: { postgres: 'up', redis: 'up', tenant_pool: 'saturated' } });
      expect(ready.body.detail).toContain('tenant pool saturated (2 of 2 connections busy');
      const started = Date.now();
      const res = await t.http().get('/portfolios').set(bearer(tokenFor(t.config, newOrg(), 'viewer')));
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 503, type: expect.stringContaining('database-busy') });
      expect(res.headers['retry-after']).toBeDefined();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await Promise.allSettled(sleeps);
    }
    expect((await t.http().get('/health/ready')).status).toBe(200);
  });
});

describe('imports leave room in the pool (e2e)', () => {
  let t: TestApp;
  let db: TenantDb;

  beforeAll(async () => {
    // A pool of 2: by default at most 1 import is in its transaction at a time.
    // API only: the auto-assign job each import enqueues would take a connection of its own.
    t = await startApp({ DATABASE_POOL_SIZE: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '2000', PROCESS_ROLE: 'api' });
    db = t.app.get(TenantDb);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('imports arriving together load one after another, never taking the whole pool', async () => {
    const org = newOrg();
    const file = (p: string) => `${HEADER}\n${Array.from({ length: 20_000 }, (_, i) => row(`${p}-${i}`)).join('\n')}\n`;
    let busiest = 0;
    const sampler = setInterval(() => (busiest = Math.max(busiest, db.poolState().busy)), 5);
    try {
      const post = (csv: string) =>
        t.http().post('/loans/import').set(bearer(tokenFor(t.config, org))).set('Content-Type', 'text/csv').send(csv);
      const results = await Promise.all([post(file('X')), post(file('Y')), post(file('Z'))]);
      expect(results.map((r) => [r.status, r.body])).toEqual(Array(3).fill([200, { inserted: 20_000, updated: 0 }]));
    } finally {
      clearInterval(sampler);
    }
    // Three 20 000-row loads, each alone in its transaction: one connection busy at most.
    expect(busiest).toBe(1);
  });
});

describe('idle sockets are closed (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ HTTP_CONNECTION_TIMEOUT_MS: '500', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Milliseconds until the server closes a raw socket that sent `text`, or null after 5 s. */
  const closedAfter = (text: string) =>
    new Promise<number | null>((resolve) => {
      const started = Date.now();
      const socket = connect(Number(new URL(t.url).port), '127.0.0.1', () => socket.write(text));
      socket.on('data', () => undefined);
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
      setTimeout(() => (socket.destroy(), resolve(null)), 5000).unref();
    });

  it('a client that sends half a request and then nothing is disconnected (HTTP_CONNECTION_TIMEOUT_MS)', async () => {
    const ms = await closedAfter('GET /health/live HTTP/1.1\r\nHost: x\r\n');
    expect(ms).not.toBeNull();
    expect(ms).toBeLessThan(3000);
  });

  it('an import whose work outlasts the connection timeout still gets its answer', async () => {
    const org = newOrg();
    await insertLoans(org, [{ loan_number: 'W-1', origination_date: '2025-01-10' }]);
    // The import waits for this organization's month-end lock, held here three times the timeout.
    await withOrgSql(org, async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT pg_advisory_xact_lock(hashtextextended('analytics.' || $1, 0))`, [org]);
      const answer = t.http().post('/loan-snapshots/import').set(bearer(tokenFor(t.config, org, 'admin'))).set('Content-Type', 'text/csv')
        .send('loan_number,snapshot_date,principal_balance,days_past_due,status\nW-1,2025-01-31,100.00,0,active\n')
        .then((r) => r, (err: Error) => err);
      await new Promise((r) => setTimeout(r, 1500));
      await c.query('COMMIT');
      const res = await answer;
      expect(res).not.toBeInstanceOf(Error);
      expect((res as { status: number }).status).toBe(200);
    });
  });

  it('an idle keep-alive connection is closed (HTTP_KEEP_ALIVE_TIMEOUT_MS)', async () => {
    const ms = await closedAfter('GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    expect(ms).not.toBeNull();
    expect(ms).toBeLessThan(3000);
  });
});
