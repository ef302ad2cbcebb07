import { Module } from '@nestjs/common';

/** Processors and schedules of the loan-tapes feature; loaded only in worker roles. */
@Module({})
export class LoanTapesWorkersModule {}
