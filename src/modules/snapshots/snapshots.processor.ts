import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { todayUtc } from '../../common/time/today';
import { JobProducer } from '../../jobs/job-producer';
import { JobData, QUEUES } from '../../jobs/queues';
import { TrackedWorker } from '../../jobs/tenant-worker';
import { SnapshotRunService } from './snapshot-run.service';
import { SnapshotsService } from './snapshots.service';

/** Concurrency 1: a run is one heavy set-based transaction; several at once only contend for the disk. */
@Processor(QUEUES.snapshots)
export class SnapshotsProcessor extends TrackedWorker {
  constructor(
    private readonly runs: SnapshotRunService,
    private readonly snapshots: SnapshotsService,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  protected async handle(job: Job): Promise<unknown> {
    if (job.name === 'fan-out') {
      const snapshotDate = todayUtc();
      const organizations = await this.producer.enqueueForEveryOrganization('snapshots', 'snapshot-run', { snapshotDate }, { dedupKey: snapshotDate });
      return { organizations, snapshot_date: snapshotDate };
    }
    if (job.name === 'snapshot-run') {
      // TrackedWorker has refused a date other than today: a run that waited past midnight
      // would stamp live state into a day that has ended.
      const data = job.data as JobData<'snapshots', 'snapshot-run'>;
      return this.runs.run(data.org, data.snapshotDate, { requestId: data.requestId, actorSubject: data.actorSubject }, (p) =>
        job.updateProgress(p).catch(() => undefined),
      );
    }
    if (job.name === 'history') {
      const data = job.data as JobData<'snapshots', 'history'>;
      return this.snapshots.recomputeDates(data.org, data.dates);
    }
    throw new UnrecoverableError(`unknown job ${job.name}`);
  }
}
