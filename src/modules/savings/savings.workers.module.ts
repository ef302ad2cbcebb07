import { Module } from '@nestjs/common';

/** Processors and schedules of the savings feature; loaded only in worker roles. */
@Module({})
export class SavingsWorkersModule {}
