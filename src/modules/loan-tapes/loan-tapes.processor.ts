import { Processor } from '@nestjs/bullmq';
import { Job, UnrecoverableError } from 'bullmq';
import { JobProducer } from '../../jobs/job-producer';
import { JobData, QUEUES } from '../../jobs/queues';
import { TrackedWorker } from '../../jobs/tenant-worker';
import { jobActor } from '../../jobs/job-actor';
import { reasonOf, TapeGenerator } from './tape-generator.service';
import { TapeRetention } from './tape-retention.service';
import { TapeFailure } from './tape-rules';
import { TapesService } from './tapes.service';

type TapeJob = JobData<'loan-tapes', 'generate-tape'>;
type ScheduledJob = JobData<'loan-tapes', 'scheduled-tape'>;

@Processor(QUEUES.loanTapes)
export class LoanTapesProcessor extends TrackedWorker {
  constructor(
    private readonly generator: TapeGenerator,
    private readonly tapes: TapesService,
    private readonly retention: TapeRetention,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  protected async handle(job: Job): Promise<unknown> {
    const actor = jobActor(job.data as TapeJob);
    let tapeId: string | null;
    switch (job.name) {
      case 'generate-tape':
        tapeId = (job.data as TapeJob).tapeId;
        break;
      case 'scheduled-tape':
        // One job per tick: it records the tape and generates it.
        tapeId = await this.tapes.scheduledTape(actor, (job.data as ScheduledJob).configId, job.id as string);
        if (!tapeId) return { skipped: 'the config is inactive or no longer scheduled' };
        break;
      case 'cleanup-tapes':
        return this.retention.cleanup(actor);
      case 'fan-out-cleanup':
        return {
          organizations: await this.producer.enqueueForEveryOrganization(QUEUES.loanTapes, 'cleanup-tapes', {}, { dedupKey: 'cleanup' }),
        };
      default:
        throw new UnrecoverableError(`unknown job ${job.name}`);
    }
    try {
      return await this.generator.run(actor, tapeId, {
        finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        progress: (pct) => job.updateProgress(pct),
      });
    } catch (err) {
      // Retrying cannot create snapshots or shrink a tape: fail now, with the reason.
      if (err instanceof TapeFailure) throw new UnrecoverableError(err.message);
      throw new Error(reasonOf(err));
    }
  }
}
