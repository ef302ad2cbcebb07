import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/env';
import { producerRedis } from './redis';

export const PRODUCER_REDIS = Symbol('PRODUCER_REDIS');

@Global()
@Module({
  providers: [
    { provide: PRODUCER_REDIS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => producerRedis(config.redisUrl) },
  ],
  exports: [PRODUCER_REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(PRODUCER_REDIS) private readonly redis: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
