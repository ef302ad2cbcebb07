import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { todayUtc } from '../../common/money/validators';
import { JobProducer } from '../../jobs/job-producer';
import { JobData, QUEUES } from '../../jobs/queues';
import { TrackedWorker } from '../../jobs/tenant-worker';
import { SnapshotRunService } from './snapshot-run.service';

/** Concurrency 1: a run is one heavy set-based transaction; several at once only contend for the disk. */
@Processor(QUEUES.snapshots)
export class SnapshotsProcessor extends TrackedWorker {
  constructor(
    private readonly runs: SnapshotRunService,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === 'fan-out') {
      const snapshotDate = todayUtc();
      const organizations = await this.producer.enqueueForEveryOrganization('snapshots', 'snapshot-run', { snapshotDate }, { dedupKey: snapshotDate });
      return { organizations, snapshot_date: snapshotDate };
    }
    if (job.name === 'snapshot-run') {
      const data = job.data as JobData<'snapshots', 'snapshot-run'>;
      // A run that waited past midnight would stamp live state into a day that has ended.
      if (data.snapshotDate !== todayUtc()) throw new UnrecoverableError(`snapshot date ${data.snapshotDate} is no longer today`);
      return this.runs.run(data.org, data.snapshotDate, { requestId: data.requestId, actorSubject: data.actorSubject }, (p) =>
        job.updateProgress(p).catch(() => undefined),
      );
    }
    throw new UnrecoverableError(`unknown job ${job.name}`);
  }
}
