import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/env';
import { JobProducer } from './job-producer';
import { JobOutcome, JobRequests, JobSpec } from './job-requests';
import { PRODUCER_REDIS } from './redis.module';
import { onFinalOutcome, runningHere } from './job-worker';

/** Pending records read per page: one SQL read and one Redis pipeline each. */
const PAGE = 500;
/** Finished records pruned per pass at most: a bounded statement, the next pass takes the rest. */
const PRUNE = 5000;

/**
 * Workers only. Every accepted job has a pending record in Postgres; whatever Redis lost (a
 * restart without persistence, a failover, FLUSHALL, a process killed between its commit and
 * its enqueue) is added back under the same job id, so a job Redis still holds is never
 * doubled. Runs at start, after every Redis reconnect, and every JOB_RECONCILE_INTERVAL_MS.
 */
@Injectable()
export class JobReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobReconciler.name);
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private running?: Promise<void>;
  private readonly onReady = () => void this.reconcile('redis-ready');

  constructor(
    private readonly producer: JobProducer,
    private readonly requests: JobRequests,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = onFinalOutcome(
      (o) => void this.requests.finish([o]).catch((err: Error) => this.logger.warn({ job_id: o.id, err: err.message }, 'job outcome not recorded')),
    );
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(() => void this.reconcile('interval'), this.config.durable.reconcileIntervalMs);
    this.timer.unref();
    void this.reconcile('start');
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
    this.unsubscribe?.();
  }

  /** One pass over every pending record; a pass already under way is joined, not repeated. */
  reconcile(trigger: string): Promise<void> {
    this.running ??= this.pass(trigger).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(trigger: string): Promise<void> {
    if (!this.producer.redisReady) return;
    const totals = { requeued: 0, finished: 0, merged: 0 };
    try {
      let after = '';
      for (;;) {
        const page = await this.requests.pending(this.config.durable.reconcileGraceMs, after, PAGE);
        if (!page.length) break;
        after = page[page.length - 1].opts.jobId;
        const r = await this.settle(page.filter((s) => !runningHere.has(s.opts.jobId)));
        totals.requeued += r.requeued;
        totals.finished += r.finished;
        totals.merged += r.merged;
        if (page.length < PAGE) break;
      }
      const pruned = await this.requests.prune(this.config.durable.jobRequestRetentionDays, PRUNE);
      if (totals.requeued || totals.finished || totals.merged || pruned) this.logger.log({ trigger, ...totals, pruned }, 'job requests reconciled');
    } catch (err) {
      this.logger.warn({ trigger, err: (err as Error).message }, 'job reconciliation failed; retrying on the next pass');
    }
  }

  /** Missing jobs are added back; jobs Redis saw finish have their outcome written to Postgres. */
  private async settle(page: JobSpec[]): Promise<{ requeued: number; finished: number; merged: number }> {
    const pipe = this.redis.pipeline();
    for (const s of page) pipe.hmget(this.producer.queue(s.queue).toKey(s.opts.jobId), 'timestamp', 'finishedOn');
    const seen = ((await pipe.exec()) ?? []).map(([err, v]) => {
      if (err) throw err;
      return v as (string | null)[];
    });
    const missing = page.filter((_s, i) => seen[i][0] === null);
    const finished = page.filter((_s, i) => seen[i][0] !== null && seen[i][1] !== null);
    const merged = await this.producer.mergedAway(await this.producer.readd(missing));
    const outcomes: JobOutcome[] = [];
    // Rare (a worker died between Redis and Postgres): read each one's outcome.
    for (const s of finished) {
      const job = await this.producer.queue(s.queue).getJob(s.opts.jobId);
      const state = job ? await job.getState() : 'unknown';
      if (job && state === 'completed') outcomes.push({ id: s.opts.jobId, state, result: job.returnvalue ?? null });
      if (job && state === 'failed') outcomes.push({ id: s.opts.jobId, state, reason: job.failedReason });
    }
    await this.requests.finish(outcomes);
    return { requeued: missing.length - merged, finished: outcomes.length, merged };
  }
}
