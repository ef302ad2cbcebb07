import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

describe('HTTP conventions (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let owner: string;

  beforeAll(async () => {
    t = await startApp();
    const org = newOrg();
    admin = tokenFor(t.config, org, 'admin');
    owner = tokenFor(t.config, org, 'owner');
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['delete', '/portfolios', 'GET, HEAD, POST'],
    ['patch', '/portfolios/00000000-0000-4000-8000-000000000001', 'GET, HEAD, PUT, DELETE'],
    ['delete', '/loan-tapes/00000000-0000-4000-8000-000000000001/download', 'GET, HEAD'],
    ['get', '/snapshot-runs', 'POST'],
    ['post', '/health/live', 'GET, HEAD'],
  ] as const)('%s %s on a known path is 405 with Allow: %s', async (method, path, allow) => {
    const res = await t.http()[method](path).set(bearer(admin));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 405, title: 'Method not allowed', errors: [{ field: 'method' }] });
  });

  it('an unknown path stays a 404 problem', async () => {
    const res = await t.http().delete('/no-such-thing').set(bearer(admin));
    expect(res.status).toBe(404);
    expect(res.headers.allow).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  // Lists: one message for a wrongly typed page parameter, one filter grammar everywhere.
  it.each(['/portfolios', '/loans', '/investors', '/loan-tapes'])('%s?page_size=abc answers one clear message', async (path) => {
    const res = await t.http().get(`${path}?page_size=abc`).set(bearer(admin));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'page_size', message: 'page_size must be an integer number' }]);
  });

  it('every list takes a comma list (or the parameter repeated) for its enum filters, as /loans does', async () => {
    const make = (body: object) => t.http().post('/portfolios').set(bearer(admin)).send(body);
    const stat = (await make({ name: 'Static one', portfolio_type: 'static' })).body;
    const dyn = (await make({ name: 'Dynamic one', portfolio_type: 'dynamic', criteria: { statuses: ['active'] } })).body;
    expect([stat.id, dyn.id].every(Boolean)).toBe(true);
    const ids = async (q: string) =>
      ((await t.http().get(`/portfolios?${q}`).set(bearer(admin)).expect(200)).body.results as { id: string }[]).map((p) => p.id).sort();
    expect(await ids('portfolio_type=static,dynamic')).toEqual([stat.id, dyn.id].sort());
    expect(await ids('portfolio_type=static&portfolio_type=dynamic')).toEqual([stat.id, dyn.id].sort());
    expect(await ids('portfolio_type=dynamic')).toEqual([dyn.id]);
    expect(await ids('status=active,sold')).toEqual([stat.id, dyn.id].sort());
    for (const path of ['/investors?status=active,inactive', '/loan-tapes?status=queued,completed', '/loans?status=active,paid_off']) {
      expect((await t.http().get(path).set(bearer(admin))).status).toBe(200);
    }
    const bad = await t.http().get('/portfolios?portfolio_type=static,bogus').set(bearer(admin));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('portfolio_type');
  });

  // One answer for a path id that cannot name a row: the 404 a well-formed id naming no row gets
  // (the sub-resources of /portfolios/{id} once answered it with a 400).
  const MISSING = '00000000-0000-4000-8000-00000000abcd';
  it.each([
    ['get', '/portfolios/{id}', 'Portfolio'],
    ['get', '/portfolios/{id}/snapshots', 'Portfolio'],
    ['get', '/portfolios/{id}/vintages', 'Portfolio'],
    ['get', '/portfolios/{id}/performance', 'Portfolio'],
    ['get', '/portfolios/{id}/transitions', 'Portfolio'],
    ['get', '/portfolios/{id}/loans', 'Portfolio'],
    ['get', '/loans/{id}', 'Loan'],
    ['get', '/investors/{id}', 'Investor'],
    ['get', '/investors/{id}/settlement-instruments', 'Investor'],
    ['get', '/settlement-instruments/{id}', 'Settlement instrument'],
    ['get', '/loan-assignments/{id}', 'Loan assignment'],
    ['get', '/loan-tapes/{id}', 'Loan tape'],
    ['get', '/loan-tape-configs/{id}', 'Loan tape config'],
    ['delete', '/api-keys/{id}', 'API key'],
    ['get', '/financial-partners/products/{id}', 'Product'],
  ] as const)('%s %s: a malformed id is the 404 of a missing %s', async (method, path, resource) => {
    const answer = async (id: string) => {
      const res = await t.http()[method](path.replace('{id}', id)).set(bearer(owner));
      return { status: res.status, type: res.headers['content-type'], body: res.body };
    };
    const missingId = resource === 'Product' ? '987654321' : MISSING;
    const malformed = await answer('not-an-id');
    expect(malformed).toMatchObject({ status: 404, type: expect.stringMatching(/application\/problem\+json/) });
    expect(malformed.body.detail).toBe(`${resource} not-an-id was not found`);
    const missing = await answer(missingId);
    expect({ ...missing, body: { ...missing.body, detail: missing.body.detail.replace(missingId, 'not-an-id') } }).toEqual(malformed);
  });

  it.each([
    ['post', '/portfolios/{id}/sell', { investor_id: MISSING, sale_date: '2026-01-02', price_pct: '98.5' }],
    ['post', '/portfolios/{id}/snapshots', {}],
    ['post', '/portfolios/{id}/loans', { loan_ids: [MISSING] }],
    ['put', '/investors/{id}', { name: 'X' }],
    ['post', '/loan-tape-configs/{id}/generate', {}],
  ] as const)('%s %s with a malformed id is a 404 too, whatever the body', async (method, path, body) => {
    for (const sent of [body, { unknown_field: true }]) {
      const res = await t.http()[method](path.replace('{id}', 'not-an-id')).set(bearer(admin)).send(sent);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: 404, title: 'Not found' });
    }
  });
});
