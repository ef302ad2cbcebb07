import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { JobProducer } from '../../jobs/job-producer';
import { QUEUES } from '../../jobs/queues';
import { AutoAssignProcessor } from './auto-assign.processor';
import { AutoAssignService } from './auto-assign.service';
import { PortfoliosModule } from './portfolios.module';

/** Auto-assign jobs, and the schedule that keeps dynamic portfolios filled. */
@Module({ imports: [PortfoliosModule], providers: [AutoAssignService, AutoAssignProcessor] })
export class PortfoliosWorkersModule implements OnApplicationBootstrap {
  constructor(
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.schedule(QUEUES.autoAssign, 'dynamic-auto-assign', this.config.autoAssignCron, 'fan-out');
  }
}
