import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { JobProducer } from '../../jobs/job-producer';
import { JobData, QUEUES } from '../../jobs/queues';
import { TrackedWorker } from '../../jobs/tenant-worker';
import { SavingsRunsService } from './runs.service';

type SavingsJob = JobData<'savings', 'settlement'> | JobData<'savings', 'accrual'>;

/** Thin: parses the job and calls the run service. Fan-out jobs enqueue one run per organization. */
@Processor(QUEUES.savings)
export class SavingsProcessor extends TrackedWorker {
  constructor(
    private readonly runs: SavingsRunsService,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  protected async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'settlement': {
        const data = job.data as SavingsJob;
        return this.runs.settle(data.org, String(job.id), data.requestId, (p) => job.updateProgress(p).catch(() => undefined));
      }
      case 'accrual': {
        const data = job.data as SavingsJob;
        return this.runs.accrue(data.org, String(job.id), data.businessDate, data.requestId, (p) => job.updateProgress(p).catch(() => undefined));
      }
      case 'fan-out-settlement':
        return { organizations: await this.producer.enqueueForEveryOrganization('savings', 'settlement', {}, { dedupKey: 'settlement' }) };
      case 'fan-out-accrual':
        return { organizations: await this.producer.enqueueForEveryOrganization('savings', 'accrual', {}, { dedupKey: 'accrual' }) };
      default:
        throw new UnrecoverableError(`unknown savings job ${job.name}`);
    }
  }
}
