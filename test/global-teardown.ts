import IORedis from 'ioredis';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const url = new URL(process.env.DATABASE_URL as string);
  const name = url.pathname.slice(1);
  if (process.env.KEEP_TEST_DB !== '1' && name.startsWith('portfolio_test_')) {
    url.pathname = '/postgres';
    const c = new Client({ connectionString: url.toString() });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  }
  const prefix = process.env.QUEUE_PREFIX as string;
  const redis = new IORedis(process.env.REDIS_URL as string, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis cleanup is best-effort; keys are namespaced per run.
  } finally {
    redis.disconnect();
  }
}
