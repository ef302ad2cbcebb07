import { Global, Module } from '@nestjs/common';
import { JobReconciler } from './job-reconciler';
import { ScheduleKeeper } from './schedule-keeper';

/** Durable work, in worker roles only: the reconciler of accepted jobs and the schedule keeper. */
@Global()
@Module({ providers: [JobReconciler, ScheduleKeeper], exports: [ScheduleKeeper] })
export class JobsWorkersModule {}
