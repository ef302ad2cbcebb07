import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PRODUCER_REDIS } from './redis.module';
import { APP_CONFIG, AppConfig } from '../config/env';
import { jobDefaults } from './job-defaults';
import { JobsOptions, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Actor, systemActor } from '../common/auth/actor';
import { IdentityStore } from '../common/auth/identity.store';
import { serviceUnavailable } from '../common/errors/domain-error';
import { JobData, JobName, makeJobId, QUEUE_NAMES, QueueName } from './queues';


export interface EnqueuedJob {
  job_id: string;
  status_url: string;
}

/**
 * Adds and reads jobs through queues on the fail-fast producer connection, so a request
 * during a Redis outage gets its 503 at once and never leaves a job in an offline buffer.
 */
@Injectable()
export class JobProducer implements OnModuleDestroy {
  private readonly logger = new Logger(JobProducer.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly identities: IdentityStore,
  ) {
    this.queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [
        name,
        new Queue(name, { connection: redis, prefix: config.queuePrefix, defaultJobOptions: jobDefaults(config) }),
      ]),
    ) as Record<QueueName, Queue>;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.close().catch(() => undefined)));
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  get redisReady(): boolean {
    return this.redis.status === 'ready';
  }

  /**
   * Enqueues a tenant job with a fresh id. With `dedupKey`, a repeat while an equal job is
   * still waiting is merged into it (the waiting job's id is returned); one that arrives
   * while the first is running is kept as one follow-up run.
   */
  async enqueue<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    actor: Actor,
    data: Omit<JobData<Q, N>, 'org' | 'requestId' | 'actorSubject'>,
    opts: { dedupKey?: string; jobOptions?: JobsOptions } = {},
  ): Promise<EnqueuedJob> {
    if (!this.redisReady) throw serviceUnavailable('The job queue (Redis) is unavailable; try again shortly');
    const jobId = makeJobId(queue, name, actor.org, randomUUID());
    const payload = { ...data, org: actor.org, requestId: actor.requestId, actorSubject: actor.subject };
    try {
      const job = await this.queues[queue].add(name, payload, {
        ...opts.jobOptions,
        jobId,
        deduplication: opts.dedupKey
          ? { id: [queue, name, actor.org, opts.dedupKey].join('.'), keepLastIfActive: true }
          : undefined,
      });
      const id = job.id ?? jobId;
      this.logger.log({ job_id: id, queue, name, request_id: actor.requestId }, 'job enqueued');
      return { job_id: id, status_url: `/jobs/${id}` };
    } catch (err) {
      this.logger.warn({ queue, name, err: (err as Error).message }, 'enqueue failed');
      throw serviceUnavailable('The job queue (Redis) is unavailable; try again shortly');
    }
  }

  /** A fan-out job's worker calls this: one tenant job per known organization. */
  async enqueueForEveryOrganization<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    data: Omit<JobData<Q, N>, 'org' | 'requestId' | 'actorSubject'>,
    opts: { dedupKey?: string; requestId?: string } = {},
  ): Promise<number> {
    const orgs = await this.identities.organizations();
    for (const org of orgs) await this.enqueue(queue, name, systemActor(org, opts.requestId), data, opts);
    return orgs.length;
  }

  /**
   * Registers (or updates) a UTC cron schedule. BullMQ job schedulers fire once per tick
   * however many replicas register the same id. Schedules only enqueue; workers do the work.
   */
  async schedule(queue: QueueName, schedulerId: string, cron: string, name: string, data: Record<string, unknown> = {}) {
    await this.queues[queue].upsertJobScheduler(schedulerId, { pattern: cron, tz: 'UTC' }, { name, data });
  }

  async unschedule(queue: QueueName, schedulerId: string): Promise<void> {
    await this.queues[queue].removeJobScheduler(schedulerId);
  }
}
