import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { jobDuration, jobsTotal } from '../ops/metrics';

/**
 * Base for processors: metrics and structured logs (with the originating request id) for
 * every job. Subclasses stay thin: parse the payload, call a service.
 */
export abstract class TrackedWorker extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);

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
