import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

type Route = { method: string; path: string };
// The OAuth token endpoint is where credentials are presented, so it takes none itself.
const PUBLIC = /^\/(health\/|metrics|docs|financial-partners\/connect\/token$)/;

/**
 * Walks every route the OpenAPI document declares and checks the promises that must hold on
 * all of them: credentials required, viewers cannot write, and another organization can see
 * nothing of ours — plus hostile values in filters, tokens and paths.
 */
describe('hostile input (e2e)', () => {
  let t: TestApp;
  let routes: Route[];
  const orgA = newOrg();
  const orgB = newOrg();
  let adminA: string;
  let ownerA: string;
  let adminB: string;
  let ownerB: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startApp();
    adminA = tokenFor(t.config, orgA, 'admin');
    ownerA = tokenFor(t.config, orgA, 'owner');
    adminB = tokenFor(t.config, orgB, 'admin');
    ownerB = tokenFor(t.config, orgB, 'owner');
    const docs = await t.http().get('/docs-json');
    routes = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })),
    );
    await buildFixtures();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = async (path: string, body: object, token = adminA) => {
    const res = await t.http().post(path).set(bearer(token)).send(body);
    if (res.status >= 300) throw new Error(`fixture ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** One resource of every kind in organization A. */
  async function buildFixtures() {
    const loan = await post('/loans', {
      loan_number: 'HOSTILE-1',
      borrower_name: 'Ada Secret',
      program_id: randomUUID(),
      origination_date: '2026-01-15',
      original_principal: '1000.00',
      principal_balance: '900.00',
      interest_rate: '0.05',
      term_months: 12,
    });
    ids.loan = loan.id;
    ids.portfolio = (await post('/portfolios', { name: 'Hostile A', portfolio_type: 'static', criteria: { currency: 'USD' } })).id;
    await post(`/portfolios/${ids.portfolio}/loans`, { loan_ids: [ids.loan] });
    ids.investor = (
      await post('/investors', { name: 'Inv A', legal_name: 'Inv A Ltd', investor_type: 'fund', email: 'a@example.com', country: 'GB', status: 'active' })
    ).id;
    ids.instrument = (
      await post(`/investors/${ids.investor}/settlement-instruments`, {
        instrument_type: 'sepa',
        currency: 'EUR',
        account_holder_name: 'Inv A Ltd',
        iban: 'DE89370400440532013000',
        bic: 'COBADEFFXXX',
      })
    ).id;
    ids.assignment = (
      await post(`/investors/${ids.investor}/loan-assignments`, {
        loan_id: ids.loan,
        ownership_pct: '10.00',
        purchase_price: '90.00',
        effective_date: '2026-02-01',
      })
    ).id;
    ids.config = (await post('/loan-tape-configs', { name: 'Tape A', format: 'csv', columns: ['loan_number', 'borrower_name'], schedule: 'none' })).id;
    const gen = await post(`/loan-tape-configs/${ids.config}/generate`, {});
    ids.tape = gen.tape_id;
    ids.job = gen.job_id;
    ids.apiKey = (await post('/api-keys', { name: 'A key', role: 'viewer' }, ownerA)).id;
    ids.clientReference = 'HOSTILE-CLIENT-A';
    await post('/financial-partners/clients', { clientReference: ids.clientReference, clientType: 'individual', name: 'Ada Secret' });
    const product = await post('/financial-partners/products', {
      name: 'Easy A',
      productType: 'instant_access',
      currencyCode: 'GBP',
      grossRate: '0.04',
      dayCountBasis: 'ACT/365F',
      interestPaidAt: 'monthly',
      minimumDeposit: 1,
      maximumDeposit: 100000,
    });
    ids.productId = product.productId;
    ids.instructionReference = randomUUID();
    await post('/financial-partners/instruction-requests/deposit', {
      instructionReference: ids.instructionReference,
      clientReference: ids.clientReference,
      currencyCode: 'GBP',
      amount: 100,
      productId: ids.productId,
    });
  }

  /** Fills a route's parameters with organization A's resources. */
  function fill(path: string): string {
    const byPrefix: [RegExp, string][] = [
      [/^\/portfolios\/\{id\}/, ids.portfolio],
      [/^\/loans\/\{id\}/, ids.loan],
      [/^\/investors\/\{id\}/, ids.investor],
      [/^\/settlement-instruments\/\{id\}/, ids.instrument],
      [/^\/loan-assignments\/\{id\}/, ids.assignment],
      [/^\/loan-tape-configs\/\{id\}/, ids.config],
      [/^\/loan-tapes\/\{id\}/, ids.tape],
      [/^\/jobs\/\{id\}/, ids.job],
      [/^\/api-keys\/\{id\}/, ids.apiKey],
    ];
    let out = path;
    for (const [re, value] of byPrefix) if (re.test(out)) out = out.replace('{id}', value);
    return out
      .replace('{loanId}', ids.loan)
      .replace('{loan_id}', ids.loan)
      .replace('{clientReference}', ids.clientReference)
      .replace('{productId}', ids.productId)
      .replace('{instructionReference}', ids.instructionReference);
  }

  const send = (r: Route, token?: string) => {
    const req = t.http()[r.method.toLowerCase() as 'get'](fill(r.path));
    if (token) req.set(bearer(token));
    return r.method === 'GET' || r.method === 'DELETE' ? req : req.send({});
  };

  it('covers the whole API (the walk is not vacuous)', () => {
    expect(routes.filter((r) => !PUBLIC.test(r.path)).length).toBeGreaterThan(40);
    expect(Object.values(ids).every(Boolean)).toBe(true);
  });

  it('answers 401 on every authenticated route without credentials, and with a forged or alg:none token', async () => {
    const forged = jwt.sign({ sub: 'x', org: orgA, role: 'owner' }, 'guess-guess-guess-guess-guess-guess', { expiresIn: 60 });
    const none = jwt.sign({ sub: 'x', org: orgA, role: 'owner', exp: 9_999_999_999 }, '', { algorithm: 'none' });
    const failures: string[] = [];
    for (const r of routes.filter((x) => !PUBLIC.test(x.path))) {
      for (const token of [undefined, forged, none]) {
        const res = await send(r, token);
        if (res.status !== 401) failures.push(`${r.method} ${r.path} (${token ? 'bad token' : 'none'}) → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses HS/RS confusion: an RS256 token, and an HS256 token keyed with a public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs = jwt.sign({ sub: 'x', org: orgA, role: 'owner' }, privateKey, { algorithm: 'RS256', expiresIn: 60 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const hsWithPub = jwt.sign({ sub: 'x', org: orgA, role: 'owner' }, pem, { algorithm: 'HS256', expiresIn: 60 });
    for (const token of [rs, hsWithPub]) expect((await t.http().get('/portfolios').set(bearer(token))).status).toBe(401);
  });

  it('answers 403 to a viewer on every write route', async () => {
    const viewer = tokenFor(t.config, orgA, 'viewer');
    const failures: string[] = [];
    for (const r of routes.filter((x) => !PUBLIC.test(x.path) && x.method !== 'GET')) {
      const res = await send(r, viewer);
      if (res.status !== 403) failures.push(`${r.method} ${r.path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it("gives another organization a 404 on every one of our resources, for reads and writes", async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => /\{/.test(x.path) && !PUBLIC.test(x.path))) {
      const token = r.path.startsWith('/api-keys') ? ownerB : adminB;
      const res = await send(r, token);
      // A write may fail validation (400) before it looks anything up; it must never succeed or leak.
      const ok = res.status === 404 || (r.method !== 'GET' && res.status === 400);
      if (!ok) failures.push(`${r.method} ${r.path} → ${res.status}`);
      if (JSON.stringify(res.body ?? '').includes('Ada Secret')) failures.push(`${r.method} ${r.path} leaked data`);
    }
    expect(failures).toEqual([]);
  });

  it('shows another organization none of our rows in any list', async () => {
    // Numeric savings ids ("1") are too short to search for; names and UUIDs are not.
    const ours = Object.values(ids).filter((v) => v.length >= 8);
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.method === 'GET' && !/\{/.test(x.path) && !PUBLIC.test(x.path))) {
      const res = await t.http().get(r.path).set(bearer(r.path.startsWith('/api-keys') ? ownerB : adminB));
      const text = JSON.stringify(res.body);
      if (res.status >= 500) failures.push(`${r.path} → ${res.status}`);
      for (const id of ours) if (text.includes(id)) failures.push(`${r.path} shows ${id}`);
      if (text.includes('Ada Secret')) failures.push(`${r.path} shows a borrower or client name`);
    }
    expect(failures).toEqual([]);
  });

  it('treats SQL injection and oversized values in every filter as data: 200 or 400, never 500, never a leak', async () => {
    const filters: Record<string, string[]> = {
      '/loans': ['portfolio_id', 'program_id', 'status', 'delinquency_bucket', 'origination_date_gte', 'origination_date_lte', 'loan_number', 'unassigned', 'cursor', 'page', 'page_size'],
      '/portfolios': ['status', 'include_archived', 'portfolio_type', 'page', 'page_size'],
      [`/portfolios/${ids.portfolio}/loans`]: ['status', 'loan_number', 'cursor'],
      '/loan-snapshots': ['loan_id', 'portfolio_id', 'snapshot_date', 'date_from', 'date_to', 'cursor'],
      '/audit-events': ['resource_type', 'resource_id', 'action'],
      '/investors': ['page'],
      '/loan-tapes': ['config_id', 'status'],
      '/financial-partners/portfolios': ['PageNumber', 'PageSize'],
      '/financial-partners/instructions': ['clientReference', 'status'],
    };
    const evil = ["' OR '1'='1", "1; DROP TABLE loans; --", '%', 'x'.repeat(10_000), '\u0000', '../../etc/passwd', '😀'];
    const failures: string[] = [];
    for (const [path, names] of Object.entries(filters)) {
      for (const name of names) {
        for (const value of evil) {
          const res = await t.http().get(path).query({ [name]: value }).set(bearer(adminB));
          if (![200, 400, 404].includes(res.status)) failures.push(`${path}?${name}=${value.slice(0, 20)} → ${res.status}`);
          if (res.status === 200 && JSON.stringify(res.body).includes('Ada Secret')) failures.push(`${path}?${name} leaked`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Still there: nothing was dropped.
    expect((await t.http().get(`/loans/${ids.loan}`).set(bearer(adminA))).status).toBe(200);
  });

  it('never lets a tape path reach the filesystem', async () => {
    for (const p of ['/loan-tapes/..%2F..%2Fetc%2Fpasswd/download', '/loan-tapes/%2e%2e/download', '/loan-tapes/..;/download']) {
      const res = await t.http().get(p).set(bearer(adminA));
      expect([400, 404]).toContain(res.status);
      expect(res.text).not.toContain('root:');
    }
  });

  it('rejects oversized bodies and values with a problem, not a crash', async () => {
    const big = await t.http().post('/portfolios').set(bearer(adminA)).send({ name: 'x'.repeat(2_000_000), portfolio_type: 'static' });
    expect(big.status).toBe(413);
    const longName = await t.http().post('/portfolios').set(bearer(adminA)).send({ name: 'x'.repeat(5000), portfolio_type: 'static' });
    expect(longName.status).toBe(400);
    expect(longName.body.errors[0].field).toBe('name');
    const deep = await t.http().post('/portfolios').set(bearer(adminA)).send({ name: 'deep', portfolio_type: 'dynamic', criteria: { statuses: Array(100_000).fill('active') } });
    expect([400, 413]).toContain(deep.status);
  });
});
