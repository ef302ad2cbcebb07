import { eventually, ThrowawayRedis } from '../support/redis-server';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

describe('security headers and rate limits (e2e)', () => {
  const redis = new ThrowawayRedis();
  let t: TestApp;

  beforeAll(async () => {
    await redis.start();
    t = await startApp({ REDIS_URL: redis.url, RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  afterAll(async () => {
    await t?.close();
    redis.stop();
  });

  it('sends deliberate security headers and no CORS grant by default', async () => {
    const res = await t.http().get('/health/live').set('Origin', 'https://evil.example');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('limits each caller separately with 429 problem+json and Retry-After', async () => {
    const a = tokenFor(t.config, newOrg(), 'viewer', 'caller-a');
    const b = tokenFor(t.config, newOrg(), 'viewer', 'caller-b');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.http().get('/portfolios').set(bearer(a))).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await t.http().get('/portfolios').set(bearer(a));
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too many requests' });
    // Another caller has its own budget; health checks are never limited.
    expect((await t.http().get('/portfolios').set(bearer(b))).status).toBe(200);
    for (let i = 0; i < 8; i++) expect((await t.http().get('/health/live')).status).toBe(200);
  });

  it('lets requests through while Redis is down', async () => {
    const c = tokenFor(t.config, newOrg(), 'viewer', 'caller-c');
    redis.stop();
    await eventually(() => t.http().get('/health/ready'), (r) => r.status === 503);
    for (let i = 0; i < 8; i++) expect((await t.http().get('/portfolios').set(bearer(c))).status).toBe(200);
    await redis.start();
    // And the limiter's store comes back by itself.
    await eventually(() => t.http().get('/health/ready'), (r) => r.status === 200);
  });
});
