import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { JobProducer } from '../../jobs/job-producer';
import { SnapshotsModule } from './snapshots.module';
import { SnapshotsProcessor } from './snapshots.processor';

/** Processors and schedules of the snapshots feature; loaded only in worker roles. */
@Module({ imports: [SnapshotsModule], providers: [SnapshotsProcessor] })
export class SnapshotsWorkersModule implements OnApplicationBootstrap {
  constructor(
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.schedule('snapshots', 'daily-snapshots', this.config.snapshotCron, 'fan-out');
  }
}
