import { Module } from '@nestjs/common';

/** Processors and schedules of the investors feature; loaded only in worker roles. */
@Module({})
export class InvestorsWorkersModule {}
