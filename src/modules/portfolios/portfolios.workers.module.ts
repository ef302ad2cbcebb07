import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { QUEUES } from '../../jobs/queues';
import { ScheduleKeeper } from '../../jobs/schedule-keeper';
import { AutoAssignProcessor } from './auto-assign.processor';
import { AutoAssignService } from './auto-assign.service';
import { LoansModule } from '../loans/loans.module';
import { PortfoliosModule } from './portfolios.module';

/** Auto-assign jobs, and the schedule that keeps dynamic portfolios filled. */
@Module({ imports: [PortfoliosModule, LoansModule], providers: [AutoAssignService, AutoAssignProcessor] })
export class PortfoliosWorkersModule implements OnModuleInit {
  constructor(
    private readonly keeper: ScheduleKeeper,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.keeper.define({ id: 'dynamic-auto-assign', queue: QUEUES.autoAssign, cron: this.config.autoAssignCron, name: 'fan-out' });
  }
}
