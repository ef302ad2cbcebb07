import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobReconciler } from './job-reconciler';
import { ScheduleKeeper } from './schedule-keeper';
import { WorkerBoot } from './worker-boot';

/** Durable work, in worker roles only: the workers' boot check, the reconciler of accepted jobs and the schedule keeper. */
@Global()
@Module({ imports: [DiscoveryModule], providers: [WorkerBoot, JobReconciler, ScheduleKeeper], exports: [ScheduleKeeper] })
export class JobsWorkersModule {}
