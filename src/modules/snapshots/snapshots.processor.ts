import { todayUtc } from '../../common/time/today';
import { JobProducer } from '../../jobs/job-producer';
import { JobHandlers } from '../../jobs/job-handlers';
import { JobProcessor, JobWorker } from '../../jobs/job-worker';
import { progressOf } from '../../jobs/progress';
import { QUEUES } from '../../jobs/queues';
import { SnapshotRetentionService } from './snapshot-retention.service';
import { SnapshotRunService } from './snapshot-run.service';
import { SnapshotsService } from './snapshots.service';

/** Concurrency 1: a run is one heavy set-based transaction; several at once only contend for the disk. */
@JobProcessor(QUEUES.snapshots)
export class SnapshotsProcessor extends JobWorker<'snapshots'> {
  constructor(
    private readonly runs: SnapshotRunService,
    private readonly snapshots: SnapshotsService,
    private readonly producer: JobProducer,
    private readonly retention: SnapshotRetentionService,
  ) {
    super();
  }

  readonly handlers: JobHandlers<'snapshots'> = {
    'fan-out': async () => {
      const snapshotDate = todayUtc();
      const organizations = await this.producer.enqueueForEveryOrganization('snapshots', 'snapshot-run', { snapshotDate }, { dedupKey: snapshotDate });
      // Once a day for the whole platform (partitions are shared): months past retention keep their month-ends only.
      const { months_compacted } = await this.retention.compact(snapshotDate);
      return { organizations, snapshot_date: snapshotDate, months_compacted };
    },
    // JobWorker has refused a date other than today: a run that waited past midnight would
    // stamp live state into a day that has ended.
    'snapshot-run': (data, job) =>
      this.runs.snapshotDay(data.org, data.snapshotDate, { requestId: data.requestId, actorSubject: data.actorSubject }, progressOf(job)),
    history: (data) => this.snapshots.recomputeDates(data.org, data.dates),
    'month-ends': (data) => this.runs.catchUpMonthEnds(data.org),
  };
}
