import IORedis, { RedisOptions } from 'ioredis';
import { quietErrors, reportRedisReady } from './redis-outage';

export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** Workers block on Redis and must retry forever (BullMQ requires maxRetriesPerRequest: null). */
export const workerRedisOptions = (url: string): RedisOptions => ({
  ...redisOptionsFromUrl(url),
  maxRetriesPerRequest: null,
  enableReadyCheck: true,
  retryStrategy: (times) => Math.min(times * 250, 5000),
});

/**
 * Producers fail fast: no offline queue, one try, short connect timeout. A request that
 * would enqueue while Redis is down gets its 503 at once instead of hanging.
 */
export function producerRedis(url: string): IORedis {
  const redis = new IORedis({
    ...redisOptionsFromUrl(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 250, 2000),
  });
  quietErrors(redis, 'producer');
  redis.on('ready', () => reportRedisReady('producer'));
  return redis;
}
