import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { jobDefaults } from './job-defaults';
import { APP_CONFIG, AppConfig } from '../config/env';
import { JobProducer } from './job-producer';
import { JobRequests } from './job-requests';
import { ScheduleRuns } from './schedule-runs';
import { JobMetrics } from '../ops/job-metrics';
import { ReadinessCheck } from '../ops/readiness';
import { QUEUE_ERRORS } from './queue-errors';
import { JobsController } from './jobs.controller';
import { QUEUE_NAMES } from './queues';
import { RedisModule } from './redis.module';
import { workerRedisOptions } from './redis';

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
      // WorkerBoot starts the workers once it has checked every queue has its handlers.
      extraOptions: { manualRegistration: true },
    }),
    // Workers and the dashboard use these queues (blocking connections that retry forever).
    // Producers do not: JobProducer adds through its own fail-fast connection.
    ...QUEUE_NAMES.map((name) =>
      BullModule.registerQueueAsync({
        name,
        inject: [APP_CONFIG],
        useFactory: (config: AppConfig) => ({
          connection: workerRedisOptions(config.redisUrl) as ConnectionOptions,
          prefix: config.queuePrefix,
          defaultJobOptions: jobDefaults(config),
        }),
      }),
    ),
  ],
  providers: [JobProducer, JobRequests, ScheduleRuns, JobMetrics, QUEUE_ERRORS, ReadinessCheck],
  controllers: [JobsController],
  exports: [JobProducer, JobRequests, ScheduleRuns, ReadinessCheck, BullModule],
})
export class JobsModule {}
