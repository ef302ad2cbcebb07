import { eventually, ThrowawayRedis } from '../support/redis-server';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/** Redis down is not Postgres down: reads keep working, enqueueing answers 503 at once, all recovers. */
describe('Redis outage (e2e)', () => {
  const redis = new ThrowawayRedis();
  let t: TestApp;
  const org = newOrg();
  let admin: string;
  let portfolioId: string;

  beforeAll(async () => {
    await redis.start();
    t = await startApp({ REDIS_URL: redis.url });
    admin = tokenFor(t.config, org, 'admin');
    const p = await t
      .http()
      .post('/portfolios')
      .set(bearer(admin))
      .send({ name: 'Outage', portfolio_type: 'static', criteria: { currency: 'USD' } });
    portfolioId = p.body.id;
  });
  afterAll(async () => {
    await t?.close();
    redis.stop();
  });

  it('reports ready, then not ready while Redis is stopped, then ready again when it returns', async () => {
    expect((await t.http().get('/health/ready')).status).toBe(200);

    redis.stop();
    const down = await eventually(() => t.http().get('/health/ready'), (r) => r.status === 503);
    expect(down.headers['content-type']).toMatch(/problem\+json/);
    expect(down.body.checks).toEqual({ postgres: 'up', redis: 'down' });

    // Reads need only Postgres.
    const read = await t.http().get(`/portfolios/${portfolioId}`).set(bearer(admin));
    expect(read.status).toBe(200);

    // Enqueueing fails fast with a 503 problem, never hangs.
    const started = Date.now();
    const job = await t.http().post(`/portfolios/${portfolioId}/auto-assign`).set(bearer(admin));
    expect(job.status).toBe(503);
    expect(job.headers['content-type']).toMatch(/problem\+json/);
    expect(job.headers['retry-after']).toBeDefined();
    expect(Date.now() - started).toBeLessThan(2000);

    await redis.start();
    await eventually(() => t.http().get('/health/ready'), (r) => r.status === 200);
    const again = await eventually(
      () => t.http().post(`/portfolios/${portfolioId}/auto-assign`).set(bearer(admin)),
      (r) => r.status === 202,
    );
    expect(again.body.status_url).toMatch(/^\/jobs\//);
  });
});
