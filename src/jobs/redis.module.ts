import { Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/env';
import { producerRedis } from './redis';
import { warnOnEvictionPolicy } from './redis-policy';

export const PRODUCER_REDIS = Symbol('PRODUCER_REDIS');

@Global()
@Module({
  providers: [
    { provide: PRODUCER_REDIS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => producerRedis(config.redisUrl) },
  ],
  exports: [PRODUCER_REDIS],
})
export class RedisModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(PRODUCER_REDIS) private readonly redis: IORedis) {}

  /** Once, when Redis is first reachable (which may be long after boot). */
  onApplicationBootstrap(): void {
    void warnOnEvictionPolicy(this.redis, new Logger('Redis'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
