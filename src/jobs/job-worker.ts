import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { todayUtc } from '../common/time/today';
import { APP_CONFIG, AppConfig } from '../config/env';
import { jobDuration, jobFailures, jobsTotal } from '../ops/metrics';
import { handlerFor, JobHandlers } from './job-handlers';
import { refusalOf } from './job-payloads';
import { jobSigningKey } from './job-signature';
import type { JobOutcome } from './job-requests';
import type { QueueName } from './queues';
import { reportRedisError } from './redis-outage';

/** Jobs this process is running right now: the reconciler never adds one of them back meanwhile. */
export const runningHere = new Set<string>();

type FinalListener = (o: JobOutcome, job: Job) => void;
const finalListeners = new Set<FinalListener>();

/**
 * Called for every job that finished for good in this process (the reconciler closes its
 * durable record; the schedule keeper notes a schedule's success). Returns the unsubscribe.
 */
export function onFinalOutcome(listener: FinalListener): () => void {
  finalListeners.add(listener);
  return () => finalListeners.delete(listener);
}

const emitFinal = (o: JobOutcome, job: Job) => finalListeners.forEach((l) => l(o, job));

const QUEUE_OF = Symbol('job-worker-queue');

/**
 * `@Processor` for a JobWorker. It also notes the queue on the class, so the boot check knows
 * which queue each handler map serves; the type makes the queue and the map agree.
 */
export function JobProcessor<Q extends QueueName>(queue: Q) {
  return (target: abstract new (...args: never[]) => JobWorker<Q>): void => {
    Reflect.defineMetadata(QUEUE_OF, queue, target);
    Processor(queue)(target);
  };
}

/** The queue a JobWorker was declared for with `@JobProcessor`, if any. */
export const queueOf = (worker: JobWorker<QueueName>): QueueName | undefined => Reflect.getMetadata(QUEUE_OF, worker.constructor);

/**
 * Base for processors: every payload is checked (signature, then shape) before a handler sees
 * it, a job goes to the handler named like it, and every job gets metrics and structured logs
 * (with the originating request id). Subclasses declare `handlers` and stay thin: read the
 * payload, call a service.
 */
export abstract class JobWorker<Q extends QueueName> extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);
  // A property, so the processors' constructors stay about their own services.
  @Inject(APP_CONFIG) private readonly appConfig!: AppConfig;
  private signingKey?: Buffer;

  /** One handler per job name of the queue (see JobHandlers); the boot check reads the names. */
  abstract readonly handlers: JobHandlers<Q>;

  /** Anyone who can write to Redis can add a job: one the service did not make fails at once, unretried. */
  async process(job: Job): Promise<unknown> {
    this.signingKey ??= jobSigningKey(this.appConfig.jwtSecret);
    const refusal = refusalOf(this.signingKey, job.queueName, job.name, job.data, todayUtc());
    if (refusal) throw new UnrecoverableError(`job refused: ${refusal}`);
    return handlerFor(this.handlers, job.queueName, job.name)(job.data, job);
  }

  constructor() {
    super();
    // Held for the whole run, even one whose completion Redis can no longer record (data lost).
    const run = this.process.bind(this);
    this.process = async (job: Job) => {
      runningHere.add(String(job.id));
      try {
        return await run(job);
      } finally {
        runningHere.delete(String(job.id));
      }
    };
  }

  /** Connection errors while Redis is away: one log line per interval for the whole process. */
  @OnWorkerEvent('error')
  onError(err: Error) {
    reportRedisError(`worker:${this.constructor.name}`, err);
  }

  @OnWorkerEvent('completed')
  onCompleted(job: Job, result?: unknown) {
    this.observe(job, 'completed');
    emitFinal({ id: String(job.id), state: 'completed', result: result ?? job.returnvalue ?? null }, job);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error) {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    this.observe(job, final ? 'failed' : 'retrying');
    jobFailures.inc({ queue: job.queueName, name: job.name, final: String(final) });
    if (final) emitFinal({ id: String(job.id), state: 'failed', reason: err.message }, job);
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
