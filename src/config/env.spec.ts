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

  it('savings auth: client-credentials tokens live an hour; double authentication is off unless asked for', () => {
    expect(loadConfig({})).toMatchObject({ oauthTokenTtlSeconds: 3600, requireSubscriptionKeyAndToken: false });
    expect(loadConfig({ REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN: 'TRUE', OAUTH_TOKEN_TTL_SECONDS: '600' })).toMatchObject({
      oauthTokenTtlSeconds: 600,
      requireSubscriptionKeyAndToken: true,
    });
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
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATA_ENCRYPTION_KEY: key }).isProduction).toBe(true);
  });
});
