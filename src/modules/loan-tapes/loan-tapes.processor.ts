import { Job, UnrecoverableError } from 'bullmq';
import type { Actor } from '../../common/auth/actor';
import { JobProducer } from '../../jobs/job-producer';
import { jobActor } from '../../jobs/job-actor';
import { JobHandlers } from '../../jobs/job-handlers';
import { JobProcessor, JobWorker } from '../../jobs/job-worker';
import { QUEUES } from '../../jobs/queues';
import { reasonOf, TapeGenerator } from './tape-generator.service';
import { TapeRetention } from './tape-retention.service';
import { TapeFailure } from './tape-rules';
import { TapesService } from './tapes.service';

@JobProcessor(QUEUES.loanTapes)
export class LoanTapesProcessor extends JobWorker<'loan-tapes'> {
  constructor(
    private readonly generator: TapeGenerator,
    private readonly tapes: TapesService,
    private readonly retention: TapeRetention,
    private readonly producer: JobProducer,
  ) {
    super();
  }

  readonly handlers: JobHandlers<'loan-tapes'> = {
    'generate-tape': (data, job) => this.generate(jobActor(data), data.tapeId, job),
    // One job per tick: it records the tape and generates it.
    'scheduled-tape': async (data, job) => {
      const actor = jobActor(data);
      const tapeId = await this.tapes.scheduledTape(actor, data.configId, job.id as string);
      if (!tapeId) return { skipped: 'the config is inactive or no longer scheduled' };
      return this.generate(actor, tapeId, job);
    },
    'cleanup-tapes': (data) => this.retention.cleanup(jobActor(data)),
    'fan-out-cleanup': async () => ({
      organizations: await this.producer.enqueueForEveryOrganization(QUEUES.loanTapes, 'cleanup-tapes', {}, { dedupKey: 'cleanup' }),
    }),
  };

  private async generate(actor: Actor, tapeId: string, job: Job): Promise<unknown> {
    try {
      return await this.generator.generate(actor, tapeId, {
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
