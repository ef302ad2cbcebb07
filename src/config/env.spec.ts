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
});
