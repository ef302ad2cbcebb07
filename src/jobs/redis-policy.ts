import type { Logger } from '@nestjs/common';
import type IORedis from 'ioredis';

/**
 * BullMQ needs `maxmemory-policy noeviction`: under memory pressure any other policy deletes
 * queue keys (jobs, schedulers) silently. Checked once, when Redis is first reachable; a Redis
 * whose CONFIG command is disabled (managed services) is logged at info and trusted.
 */
export async function warnOnEvictionPolicy(redis: IORedis, logger: Logger): Promise<void> {
  if (redis.status !== 'ready') await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy && policy !== 'noeviction') {
      logger.warn(
        { maxmemory_policy: policy, required: 'noeviction' },
        'Redis evicts keys under memory pressure: queued jobs and schedules can be lost; set maxmemory-policy noeviction',
      );
    }
  } catch (err) {
    logger.log({ err: (err as Error).message }, 'Redis maxmemory-policy could not be read (CONFIG disabled?); make sure it is noeviction');
  }
}
