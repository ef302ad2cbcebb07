import { Module, OnModuleInit } from '@nestjs/common';
import { ScheduleKeeper } from '../../jobs/schedule-keeper';
import { LoanTapesModule } from './loan-tapes.module';
import { LoanTapesProcessor } from './loan-tapes.processor';
import { TapeRetention } from './tape-retention.service';
import { TapeSchedules } from './tape-schedules.service';

/**
 * Tape generation and cleanup jobs; the schedule keeper re-registers every tape schedule and the
 * retention schedule whenever Redis lost them.
 */
@Module({ imports: [LoanTapesModule], providers: [LoanTapesProcessor] })
export class LoanTapesWorkersModule implements OnModuleInit {
  constructor(
    private readonly keeper: ScheduleKeeper,
    private readonly schedules: TapeSchedules,
    private readonly retention: TapeRetention,
  ) {}

  onModuleInit(): void {
    this.keeper.addSource('loan-tapes', () => this.schedules.registerAll());
    this.keeper.addSource('tape-retention', () => this.retention.schedule());
  }
}
