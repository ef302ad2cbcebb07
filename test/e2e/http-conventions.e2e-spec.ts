import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

describe('HTTP conventions (e2e)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, newOrg(), 'admin');
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
});
