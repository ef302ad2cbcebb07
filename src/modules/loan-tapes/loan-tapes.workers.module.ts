import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { LoanTapesModule } from './loan-tapes.module';
import { LoanTapesProcessor } from './loan-tapes.processor';
import { TapeRetention } from './tape-retention.service';
import { TapeSchedules } from './tape-schedules.service';

/** Tape generation jobs, and the re-registration of every tape schedule at worker boot. */
@Module({ imports: [LoanTapesModule], providers: [LoanTapesProcessor] })
export class LoanTapesWorkersModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(LoanTapesWorkersModule.name);

  constructor(
    private readonly schedules: TapeSchedules,
    private readonly retention: TapeRetention,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { registered, removed } = await this.schedules.registerAll();
    this.logger.log({ registered, removed }, 'loan tape schedules registered');
    await this.retention.schedule();
  }
}
