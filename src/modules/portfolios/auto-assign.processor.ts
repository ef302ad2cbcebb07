import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { JobProducer } from '../../jobs/job-producer';
import { jobActor } from '../../jobs/job-actor';
import { QUEUES } from '../../jobs/queues';
import { TrackedWorker } from '../../jobs/tenant-worker';
import { AutoAssignService } from './auto-assign.service';

@Processor(QUEUES.autoAssign)
export class AutoAssignProcessor extends TrackedWorker {
  constructor(
    private readonly autoAssign: AutoAssignService,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  protected async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'auto-assign':
        return this.autoAssign.run(jobActor(job.data), (job.data as { portfolioId: string }).portfolioId);
      case 'auto-assign-dynamic':
        return this.autoAssign.runDynamic(jobActor(job.data));
      case 'fan-out':
        return {
          organizations: await this.producer.enqueueForEveryOrganization(QUEUES.autoAssign, 'auto-assign-dynamic', {}, {
            dedupKey: 'dynamic',
          }),
        };
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
  }
}
