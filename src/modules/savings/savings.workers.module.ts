import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { ScheduleKeeper } from '../../jobs/schedule-keeper';
import { SavingsModule } from './savings.module';
import { SavingsProcessor } from './savings.processor';

/** Processors and schedules of the savings feature; loaded only in worker roles. */
@Module({
  imports: [SavingsModule],
  providers: [SavingsProcessor],
})
export class SavingsWorkersModule implements OnModuleInit {
  constructor(
    private readonly keeper: ScheduleKeeper,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Schedules only enqueue a fan-out; BullMQ fires each once per tick however many workers
   * register it. Settlement and accrual need no catch-up: each run takes everything due so far.
   */
  onModuleInit(): void {
    this.keeper.define({ id: 'savings-settlement', queue: 'savings', cron: this.config.savingsSettlementCron, name: 'fan-out-settlement' });
    this.keeper.define({ id: 'savings-accrual', queue: 'savings', cron: this.config.savingsAccrualCron, name: 'fan-out-accrual' });
  }
}
