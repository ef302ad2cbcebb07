import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { eventually, ThrowawayRedis } from '../support/redis-server';
import { startApp, TestApp } from '../support/app';

/** Issue 14.3: BullMQ needs noeviction; the service says so once when its Redis evicts. */
describe('Redis eviction policy warning (e2e)', () => {
  const redis = new ThrowawayRedis();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  let t: TestApp | undefined;
  const warnings = () => lines.filter((l) => l.includes('"maxmemory_policy"'));
  const setPolicy = (policy: string) => spawnSync('redis-cli', ['-p', String(redis.port), 'CONFIG', 'SET', 'maxmemory-policy', policy], { encoding: 'utf8' }).stdout.trim();

  beforeAll(async () => {
    await redis.start();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(() => redis.stop());

  it('boots and serves when CONFIG is disabled, as on managed Redis', async () => {
    const managed = new ThrowawayRedis();
    await managed.start(['--rename-command', 'CONFIG', '']);
    try {
      lines.length = 0;
      t = await startApp({ REDIS_URL: managed.url, LOG_LEVEL: 'info' }, { logs: sink });
      await eventually(async () => lines.filter((l) => l.includes('could not be read')), (w) => w.length === 1);
      expect((await t.http().get('/health/ready')).status).toBe(200);
      expect(warnings()).toEqual([]);
    } finally {
      await t?.close();
      t = undefined;
      managed.stop();
    }
  });

  it('logs one warning at boot when Redis may evict keys', async () => {
    expect(setPolicy('allkeys-lru')).toBe('OK');
    t = await startApp({ REDIS_URL: redis.url, LOG_LEVEL: 'info' }, { logs: sink });
    await eventually(async () => warnings(), (w) => w.length > 0);
    expect(warnings()).toHaveLength(1);
    expect(JSON.parse(warnings()[0])).toMatchObject({ level: 40, maxmemory_policy: 'allkeys-lru', required: 'noeviction' });
  });

  it('stays quiet when Redis is configured as a queue store (noeviction)', async () => {
    lines.length = 0;
    expect(setPolicy('noeviction')).toBe('OK');
    t = await startApp({ REDIS_URL: redis.url, LOG_LEVEL: 'info' }, { logs: sink });
    expect((await t.http().get('/health/ready')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(warnings()).toEqual([]);
  });
});
