import { Writable } from 'node:stream';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/** Logs are structured JSON with request ids, and never carry credentials or account numbers. */
describe('logging (e2e)', () => {
  let t: TestApp;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    t = await startApp({ LOG_LEVEL: 'debug' }, { logs: sink });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes JSON lines with the request id and without secrets', async () => {
    const org = newOrg();
    const owner = tokenFor(t.config, org, 'owner');
    const key = (await t.http().post('/api-keys').set(bearer(owner)).send({ name: 'log test', role: 'admin' })).body.key as string;
    const investor = await t
      .http()
      .post('/investors')
      .set('X-API-Key', key)
      .set('X-Request-Id', 'log-req-1')
      .send({ name: 'Logged', legal_name: 'Logged Ltd', investor_type: 'bank', email: 'l@example.com', country: 'GB', status: 'active' });
    const iban = 'GB82WEST12345698765432';
    const acct = '98765432';
    await t
      .http()
      .post(`/investors/${investor.body.id}/settlement-instruments`)
      .set('X-API-Key', key)
      .send({ instrument_type: 'sepa', currency: 'EUR', account_holder_name: 'Logged Ltd', iban, bic: 'NWBKGB2LXXX' });
    await t
      .http()
      .post(`/investors/${investor.body.id}/settlement-instruments`)
      .set('X-API-Key', key)
      .send({ instrument_type: 'faster_payments', currency: 'GBP', account_holder_name: 'Logged Ltd', sort_code: '601613', account_number: acct });
    // A request that fails validation logs nothing of its body either.
    await t.http().post('/api-keys').set(bearer(owner)).send({ name: 'x', role: 'nope', password: 'hunter2-secret' });

    const text = lines.join('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(lines.some((l) => JSON.parse(l).reqId === 'log-req-1' || JSON.parse(l).request_id === 'log-req-1')).toBe(true);
    for (const secret of [owner, key, iban, acct, 'hunter2-secret', t.config.jwtSecret]) expect(text).not.toContain(secret);
  });

  it('writes exactly one line per request: method, route pattern, status, duration, organization and actor', async () => {
    const org = newOrg();
    const token = tokenFor(t.config, org, 'viewer', 'log-reader');
    const before = lines.length;
    await t.http().get('/portfolios?status=active').set(bearer(token)).set('X-Request-Id', 'one-line-1').expect(200);
    await t.http().get('/portfolios/00000000-0000-4000-8000-000000000000').set(bearer(token)).set('X-Request-Id', 'one-line-2').expect(404);
    await t.http().get('/portfolios').set('X-Request-Id', 'one-line-3').expect(401);
    const mine = (id: string) => lines.slice(before).map((l) => JSON.parse(l)).filter((l) => l.reqId === id && l.msg === 'request');
    expect(mine('one-line-1')).toEqual([
      expect.objectContaining({ method: 'GET', route: '/portfolios', status: 200, org, actor: 'log-reader', duration_ms: expect.any(Number) }),
    ]);
    expect(mine('one-line-2')).toEqual([expect.objectContaining({ route: '/portfolios/:id', status: 404, org })]);
    expect(mine('one-line-3')).toEqual([expect.objectContaining({ route: '/portfolios', status: 401 })]);
    // Fastify's own "incoming request" / "request completed" pair is off.
    const all = lines.slice(before).map((l) => JSON.parse(l)).filter((l) => String(l.reqId ?? '').startsWith('one-line-'));
    expect(all.filter((l) => l.msg !== 'request')).toEqual([]);
    expect(JSON.stringify(all)).not.toContain('status=active');
  });
});
