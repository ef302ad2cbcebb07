import { Module, OnModuleInit } from '@nestjs/common';
import { ScheduleKeeper } from '../../jobs/schedule-keeper';
import { LoanTapesModule } from './loan-tapes.module';
import { LoanTapesProcessor } from './loan-tapes.processor';
import { TapeSchedules } from './tape-schedules.service';

/** Tape generation jobs; the schedule keeper re-registers every tape schedule Redis lost. */
@Module({ imports: [LoanTapesModule], providers: [LoanTapesProcessor] })
export class LoanTapesWorkersModule implements OnModuleInit {
  constructor(
    private readonly keeper: ScheduleKeeper,
    private readonly schedules: TapeSchedules,
  ) {}

  onModuleInit(): void {
    this.keeper.addSource('loan-tapes', () => this.schedules.registerAll());
  }
}
