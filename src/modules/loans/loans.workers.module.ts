import { Module } from '@nestjs/common';

/** Processors and schedules of the loans feature; loaded only in worker roles. */
@Module({})
export class LoansWorkersModule {}
