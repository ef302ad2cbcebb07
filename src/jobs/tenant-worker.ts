import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { todayUtc } from '../common/money/validators';
import { APP_CONFIG, AppConfig } from '../config/env';
import { jobDuration, jobsTotal } from '../ops/metrics';
import { refusalOf } from './job-payloads';
import { jobSigningKey } from './job-signature';

/**
 * Base for processors: every payload is checked (signature, then shape) before a subclass
 * sees it, and every job gets metrics and structured logs (with the originating request id).
 * Subclasses implement `handle` and stay thin: read the payload, call a service.
 */
export abstract class TrackedWorker extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);
  // A property, so the processors' constructors stay about their own services.
  @Inject(APP_CONFIG) private readonly appConfig!: AppConfig;
  private signingKey?: Buffer;

  /** Anyone who can write to Redis can add a job: one the service did not make fails at once, unretried. */
  async process(job: Job): Promise<unknown> {
    this.signingKey ??= jobSigningKey(this.appConfig.jwtSecret);
    const refusal = refusalOf(this.signingKey, job.queueName, job.name, job.data, todayUtc());
    if (refusal) throw new UnrecoverableError(`job refused: ${refusal}`);
    return this.handle(job);
  }

  protected abstract handle(job: Job): Promise<unknown>;

  @OnWorkerEvent('completed')
  onCompleted(job: Job) {
    this.observe(job, 'completed');
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error) {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1);
    this.observe(job, final ? 'failed' : 'retrying');
    this.logger.warn(
      { job_id: job.id, queue: job.queueName, name: job.name, attempt: job.attemptsMade, final, reason: err.message,
        request_id: (job.data as { requestId?: string }).requestId },
      'job failed',
    );
  }

  private observe(job: Job, outcome: string) {
    const labels = { queue: job.queueName, name: job.name, outcome };
    jobsTotal.inc(labels);
    if (job.processedOn && job.finishedOn) jobDuration.observe(labels, (job.finishedOn - job.processedOn) / 1000);
    if (outcome === 'completed') {
      this.logger.log(
        { job_id: job.id, queue: job.queueName, name: job.name, request_id: (job.data as { requestId?: string }).requestId },
        'job completed',
      );
    }
  }
}
