import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { ScheduleKeeper } from '../../jobs/schedule-keeper';
import { SnapshotsModule } from './snapshots.module';
import { SnapshotsProcessor } from './snapshots.processor';

/** Processors and schedules of the snapshots feature; loaded only in worker roles. */
@Module({ imports: [SnapshotsModule], providers: [SnapshotsProcessor] })
export class SnapshotsWorkersModule implements OnModuleInit {
  constructor(
    private readonly keeper: ScheduleKeeper,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A day without its snapshot is a hole in every history: a missed run is caught up once. */
  onModuleInit(): void {
    this.keeper.define({ id: 'daily-snapshots', queue: 'snapshots', cron: this.config.snapshotCron, name: 'fan-out', catchUp: true });
  }
}
