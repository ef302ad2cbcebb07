import { eventually, ThrowawayRedis } from '../support/redis-server';
import * as credentials from '../../src/common/auth/credentials';
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
    expect(limited.body.type).toMatch(/\/rate-limited$/);
    // Another caller has its own budget; health checks are never limited.
    expect((await t.http().get('/portfolios').set(bearer(b))).status).toBe(200);
    for (let i = 0; i < 8; i++) expect((await t.http().get('/health/live')).status).toBe(200);
  });

  it('keys the budget on the identity: scheme case, extra spaces and a re-signed token share one', async () => {
    const org = newOrg();
    const token = tokenFor(t.config, org, 'viewer', 'caller-s');
    const resigned = credentials.signToken({ sub: 'caller-s', org, role: 'viewer' }, t.config.jwtSecret, 1800);
    expect(resigned).not.toBe(token);
    const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER   ${token}`, `Bearer ${resigned}`, `bEaReR\t${resigned}`];
    const statuses: number[] = [];
    for (const auth of spellings) statuses.push((await t.http().get('/portfolios').set('Authorization', auth)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const sixth = await t.http().get('/portfolios').set('Authorization', `bearer  ${resigned}`);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    // Another subject of the same organization has its own budget.
    expect((await t.http().get('/portfolios').set(bearer(tokenFor(t.config, org, 'viewer', 'caller-t')))).status).toBe(200);
  });

  it('verifies a token once per request: the limiter and the guard share the answer', async () => {
    const token = tokenFor(t.config, newOrg(), 'viewer', 'caller-v');
    const verify = jest.spyOn(credentials, 'verifyToken');
    try {
      expect((await t.http().get('/portfolios').set(bearer(token))).status).toBe(200);
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  it('throttles failed authentications per address; requests without credentials do not count', async () => {
    // Its own namespace in the same Redis, so this address's failures stay out of the other tests.
    const strict = await startApp({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `${t.config.queuePrefix}-strict`,
      RATE_LIMIT_MAX: '50',
      RATE_LIMIT_AUTH_FAILURES_MAX: '3',
    });
    try {
      const org = newOrg();
      const made = await strict.http().post('/api-keys').set(bearer(tokenFor(strict.config, org, 'owner'))).send({ name: 'real', role: 'viewer' });
      expect(made.status).toBe(201);
      for (let i = 0; i < 5; i++) expect((await strict.http().get('/portfolios')).status).toBe(401);
      const guesses: number[] = [];
      for (let i = 0; i < 5; i++) guesses.push((await strict.http().get('/portfolios').set('X-API-Key', `psk_guess-${i}-xxxxxxxxxx`)).status);
      expect(guesses).toEqual([401, 401, 401, 429, 429]);
      const limited = await strict.http().get('/portfolios').set('X-API-Key', 'psk_guess-again-xxxxxxxxxx');
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toMatch(/problem\+json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Once over, a right key cannot be told from a wrong one: both are 429.
      expect((await strict.http().get('/portfolios').set('X-API-Key', made.body.key)).status).toBe(429);
      // A valid token is no guess and still passes; health checks still answer.
      expect((await strict.http().get('/portfolios').set(bearer(tokenFor(strict.config, org, 'viewer', 'caller-u')))).status).toBe(200);
      expect((await strict.http().get('/health/live')).status).toBe(200);
    } finally {
      await strict.close();
    }
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
