import { JobProducer } from '../../jobs/job-producer';
import { jobActor } from '../../jobs/job-actor';
import { JobHandlers } from '../../jobs/job-handlers';
import { JobProcessor, JobWorker } from '../../jobs/job-worker';
import { QUEUES } from '../../jobs/queues';
import { AutoAssignService } from './auto-assign.service';

@JobProcessor(QUEUES.autoAssign)
export class AutoAssignProcessor extends JobWorker<'auto-assign'> {
  constructor(
    private readonly autoAssign: AutoAssignService,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  readonly handlers: JobHandlers<'auto-assign'> = {
    'auto-assign': (data) => this.autoAssign.assignPortfolio(jobActor(data), data.portfolioId),
    'auto-assign-dynamic': (data) => this.autoAssign.runDynamic(jobActor(data)),
    'fan-out': async () => ({
      organizations: await this.producer.enqueueForEveryOrganization(QUEUES.autoAssign, 'auto-assign-dynamic', {}, { dedupKey: 'dynamic' }),
    }),
  };
}
