import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import type { ConnectionOptions, DefaultJobOptions } from 'bullmq';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/env';
import { JobProducer } from './job-producer';
import { JobsController } from './jobs.controller';
import { QUEUE_NAMES } from './queues';
import { PRODUCER_REDIS, RedisModule } from './redis.module';
import { workerRedisOptions } from './redis';

/** Failed jobs retry with exponential backoff; the final failure is kept a month for inspection. */
const jobDefaults = (config: AppConfig): DefaultJobOptions => ({
  attempts: config.jobAttempts,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
});

@Global()
@Module({
  imports: [
    RedisModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // ioredis and BullMQ describe the same options with separately declared types.
        connection: workerRedisOptions(config.redisUrl) as ConnectionOptions,
        prefix: config.queuePrefix,
        defaultJobOptions: jobDefaults(config),
      }),
    }),
    ...QUEUE_NAMES.map((name) =>
      BullModule.registerQueueAsync({
        name,
        imports: [RedisModule],
        inject: [APP_CONFIG, PRODUCER_REDIS],
        useFactory: (config: AppConfig, redis: IORedis) => ({
          connection: redis,
          prefix: config.queuePrefix,
          defaultJobOptions: jobDefaults(config),
        }),
      }),
    ),
  ],
  providers: [JobProducer],
  controllers: [JobsController],
  exports: [JobProducer, BullModule],
})
export class JobsModule {}
