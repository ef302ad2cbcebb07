import { JobProducer } from '../../jobs/job-producer';
import { JobHandlers } from '../../jobs/job-handlers';
import { JobProcessor, JobWorker } from '../../jobs/job-worker';
import { progressOf } from '../../jobs/progress';
import { QUEUES } from '../../jobs/queues';
import { SavingsRunsService } from './runs.service';

/** Thin: parses the job and calls the run service. Fan-out jobs enqueue one run per organization. */
@JobProcessor(QUEUES.savings)
export class SavingsProcessor extends JobWorker<'savings'> {
  constructor(
    private readonly runs: SavingsRunsService,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  readonly handlers: JobHandlers<'savings'> = {
    settlement: (data, job) => this.runs.settle(data.org, String(job.id), data.requestId, progressOf(job)),
    accrual: (data, job) => this.runs.accrue(data.org, String(job.id), data.businessDate, data.requestId, progressOf(job)),
    'fan-out-settlement': async () => ({
      organizations: await this.producer.enqueueForEveryOrganization('savings', 'settlement', {}, { dedupKey: 'settlement' }),
    }),
    'fan-out-accrual': async () => ({
      organizations: await this.producer.enqueueForEveryOrganization('savings', 'accrual', {}, { dedupKey: 'accrual' }),
    }),
  };
}
