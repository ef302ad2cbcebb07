import { Module } from '@nestjs/common';

/** Processors and schedules of the portfolios feature; loaded only in worker roles. */
@Module({})
export class PortfoliosWorkersModule {}
