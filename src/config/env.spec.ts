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
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATA_ENCRYPTION_KEY: key }).isProduction).toBe(true);
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
