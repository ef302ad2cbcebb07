import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { JobProducer } from '../../jobs/job-producer';
import { SavingsModule } from './savings.module';
import { SavingsProcessor } from './savings.processor';

/** Processors and schedules of the savings feature; loaded only in worker roles. */
@Module({
  imports: [SavingsModule],
  providers: [SavingsProcessor],
})
export class SavingsWorkersModule implements OnApplicationBootstrap {
  constructor(
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Schedules only enqueue a fan-out; BullMQ fires each once per tick however many workers register it. */
  async onApplicationBootstrap(): Promise<void> {
    await this.producer.schedule('savings', 'savings-settlement', this.config.savingsSettlementCron, 'fan-out-settlement');
    await this.producer.schedule('savings', 'savings-accrual', this.config.savingsAccrualCron, 'fan-out-accrual');
  }
}
