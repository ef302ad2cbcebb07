import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './env';

describe('loadConfig', () => {
  it('boots with development defaults and no environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBe('postgres://postgres:postgres@localhost:5432/portfolio');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.processRole).toBe('all');
    expect(c.snapshotCron).toBe('30 23 * * *');
    expect(c.rateLimitMax).toBe(1200);
    expect(c.dataEncryptionKey).toHaveLength(32);
  });

  it('allows as many failed authentications per address as requests per caller (SPEC §10), unless told', () => {
    expect(loadConfig({}).rateLimitAuthFailuresMax).toBe(1200); // the RATE_LIMIT_MAX default
    expect(loadConfig({ RATE_LIMIT_MAX: '5' }).rateLimitAuthFailuresMax).toBe(5);
    expect(loadConfig({ RATE_LIMIT_AUTH_FAILURES_MAX: '7' }).rateLimitAuthFailuresMax).toBe(7);
    expect(() => loadConfig({ RATE_LIMIT_AUTH_FAILURES_MAX: '0' })).toThrow(/RATE_LIMIT_AUTH_FAILURES_MAX/);
  });

  it('savings auth: client-credentials tokens live an hour; double authentication is off unless asked for', () => {
    expect(loadConfig({})).toMatchObject({ oauthTokenTtlSeconds: 3600, requireSubscriptionKeyAndToken: false });
    expect(loadConfig({ REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN: 'TRUE', OAUTH_TOKEN_TTL_SECONDS: '600' })).toMatchObject({
      oauthTokenTtlSeconds: 600,
      requireSubscriptionKeyAndToken: true,
    });
    // A token outliving JWT_MAX_TTL_SECONDS would be refused by the guard that issued it: min(3600, 600) = 600.
    expect(loadConfig({ JWT_MAX_TTL_SECONDS: '600' }).oauthTokenTtlSeconds).toBe(600);
    expect(loadConfig({ JWT_MAX_TTL_SECONDS: '7200', OAUTH_TOKEN_TTL_SECONDS: '1800' }).oauthTokenTtlSeconds).toBe(1800);
  });

  it('gives job-running processes a longer shutdown grace than an API-only one', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(120_000);
    expect(loadConfig({ PROCESS_ROLE: 'worker' }).shutdownTimeoutMs).toBe(120_000);
    expect(loadConfig({ PROCESS_ROLE: 'api' }).shutdownTimeoutMs).toBe(10_000);
    expect(loadConfig({ PROCESS_ROLE: 'api', SHUTDOWN_TIMEOUT_MS: '2500' }).shutdownTimeoutMs).toBe(2500);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PROCESS_ROLE: 'both' }, /PROCESS_ROLE/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ REDIS_URL: 'not a url' }, /REDIS_URL/],
    [{ DATA_ENCRYPTION_KEY: 'c2hvcnQ=' }, /DATA_ENCRYPTION_KEY/],
    [{ OPS_USER: 'ops' }, /OPS_USER/],
    [{ OPS_DASHBOARD_WRITE: 'yes' }, /OPS_DASHBOARD_WRITE/],
    [{ SNAPSHOT_CRON: 'nightly' }, /SNAPSHOT_CRON/],
    // Five fields, but minute 99 and hour 99 do not exist: the cron parser refuses them at boot.
    [{ SNAPSHOT_CRON: '99 99 * * *' }, /SNAPSHOT_CRON.*99/],
    [{ SAVINGS_ACCRUAL_CRON: '0 1 32 * *' }, /SAVINGS_ACCRUAL_CRON/],
    [{ REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN: 'yes' }, /REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN/],
    [{ OAUTH_TOKEN_TTL_SECONDS: '10' }, /OAUTH_TOKEN_TTL_SECONDS/],
  ])('rejects %j with one line naming the variable', (env, pattern) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(pattern);
  });

  it('refuses development secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }),
    ).toThrow(/DATA_ENCRYPTION_KEY/);
    // A repeated-byte key and a one-character secret are refused too (secret-strength.spec.ts).
    const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'q8Zr3Lw0Vx9Pn2Ks7Bt5Hy1Mf6Gd4Jc0Ea8Ru3Qi', DATA_ENCRYPTION_KEY: key }).isProduction).toBe(true);
  });

  describe('runtime database login', () => {
    const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: randomBytes(24).toString('hex'), DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64') };

    it('defaults to portfolio_runtime on the owner URL, never with the owner password', () => {
      const url = 'postgres://owner:secret@db:5432/portfolio?sslmode=require';
      const dev = loadConfig({ DATABASE_URL: url });
      // Outside production a fixed development password, given to the role only when it is created.
      expect(dev.databaseRuntimeUrl).toBe('postgres://portfolio_runtime:dev-only-runtime-password@db:5432/portfolio?sslmode=require');
      expect(dev.databaseRuntimeUser).toBe('portfolio_runtime');
      expect(dev.databaseRuntimePassword).toBeUndefined();
      const prod = loadConfig({ ...PRODUCTION, DATABASE_URL: url });
      expect(prod.databaseRuntimeUrl).toBe('postgres://portfolio_runtime@db:5432/portfolio?sslmode=require');
      expect(prod.databaseRuntimePassword).toBeUndefined();
    });

    it('takes DATABASE_RUNTIME_USER and DATABASE_RUNTIME_PASSWORD, encoding the password for the URL', () => {
      const c = loadConfig({ DATABASE_URL: 'postgres://owner:secret@db/portfolio', DATABASE_RUNTIME_USER: 'app_rt', DATABASE_RUNTIME_PASSWORD: 'p@ss/w:rd' });
      expect(c.databaseRuntimeUrl).toBe('postgres://app_rt:p%40ss%2Fw%3Ard@db/portfolio');
      expect(c.databaseRuntimePassword).toBe('p@ss/w:rd');
    });

    it('takes DATABASE_RUNTIME_URL whole (a pooler in front is fine)', () => {
      const c = loadConfig({ DATABASE_URL: 'postgres://owner@db/portfolio', DATABASE_RUNTIME_URL: 'postgres://rt:pw@pgbouncer:6432/portfolio' });
      expect(c.databaseRuntimeUrl).toBe('postgres://rt:pw@pgbouncer:6432/portfolio');
      expect([c.databaseRuntimeUser, c.databaseRuntimePassword]).toEqual(['rt', 'pw']);
    });

    it.each([
      [{ DATABASE_URL: 'postgres://app@db/p', DATABASE_RUNTIME_USER: 'app' }, /DATABASE_RUNTIME_USER.*owner/],
      [{ DATABASE_URL: 'postgres://app@db/p', DATABASE_RUNTIME_URL: 'postgres://app:x@db/p' }, /DATABASE_RUNTIME_URL.*owner/],
      [{ DATABASE_RUNTIME_URL: 'postgres://db/p' }, /DATABASE_RUNTIME_URL must name a role/],
      [{ DATABASE_RUNTIME_URL: 'mysql://rt@db/p' }, /DATABASE_RUNTIME_URL must use/],
      [{ DATABASE_RUNTIME_USER: 'Robert"; DROP' }, /DATABASE_RUNTIME_USER must name a role/],
      [{ DATABASE_RUNTIME_USER: 'x'.repeat(64) }, /DATABASE_RUNTIME_USER/],
      [{ DATABASE_RUNTIME_URL: 'postgres://rt@db/p', DATABASE_RUNTIME_PASSWORD: 'pw' }, /exclusive/],
    ])('refuses %j, naming the variable', (env, pattern) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(pattern);
    });
  });
});
