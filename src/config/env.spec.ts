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
    [{ SNAPSHOT_CRON: 'nightly' }, /SNAPSHOT_CRON/],
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
