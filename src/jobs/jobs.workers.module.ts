import { Module } from '@nestjs/common';
import { JobReconciler } from './job-reconciler';

/** Durable work, in worker roles only: the reconciler of accepted jobs. */
@Module({ providers: [JobReconciler] })
export class JobsWorkersModule {}
