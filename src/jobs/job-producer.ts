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
import { sealJob } from './job-payloads';
import { jobSigningKey } from './job-signature';
import { JobData, JobName, makeJobId, QUEUE_NAMES, QueueName } from './queues';

/** Jobs per addBulk call when fanning out: one Redis transaction each, of bounded size. */
const FAN_OUT_CHUNK = 500;

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
  private readonly signingKey: Buffer;

  constructor(
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly identities: IdentityStore,
  ) {
    this.signingKey = jobSigningKey(config.jwtSecret);
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

  /** Enqueues a tenant job (see jobSpec); a merged repeat returns the waiting job's id. */
  async enqueue<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    actor: Actor,
    data: Omit<JobData<Q, N>, 'org' | 'requestId' | 'actorSubject'>,
    opts: { dedupKey?: string; jobOptions?: JobsOptions } = {},
  ): Promise<EnqueuedJob> {
    if (!this.redisReady) throw serviceUnavailable('The job queue (Redis) is unavailable; try again shortly');
    const spec = this.jobSpec(queue, name, actor, data, opts);
    try {
      const job = await this.queues[queue].add(spec.name, spec.data, spec.opts);
      const id = job.id ?? (spec.opts.jobId as string);
      this.logger.log({ job_id: id, queue, name, request_id: actor.requestId }, 'job enqueued');
      return { job_id: id, status_url: `/jobs/${id}` };
    } catch (err) {
      this.logger.warn({ queue, name, err: (err as Error).message }, 'enqueue failed');
      throw serviceUnavailable('The job queue (Redis) is unavailable; try again shortly');
    }
  }

  /** A fan-out job's worker calls this: one tenant job per known organization, added in bulk. */
  async enqueueForEveryOrganization<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    data: Omit<JobData<Q, N>, 'org' | 'requestId' | 'actorSubject'>,
    opts: { dedupKey?: string; requestId?: string } = {},
  ): Promise<number> {
    const orgs = await this.identities.organizations();
    for (let i = 0; i < orgs.length; i += FAN_OUT_CHUNK) {
      const specs = orgs.slice(i, i + FAN_OUT_CHUNK).map((org) => this.jobSpec(queue, name, systemActor(org, opts.requestId), data, opts));
      await this.queues[queue].addBulk(specs);
    }
    this.logger.log({ queue, name, organizations: orgs.length, request_id: opts.requestId }, 'jobs enqueued for every organization');
    return orgs.length;
  }

  /**
   * A tenant job with a fresh id. With `dedupKey`, a repeat while an equal job is still
   * waiting is merged into it; one that arrives while the first is running is kept as one
   * follow-up run.
   */
  private jobSpec<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    actor: Actor,
    data: Omit<JobData<Q, N>, 'org' | 'requestId' | 'actorSubject'>,
    opts: { dedupKey?: string; jobOptions?: JobsOptions },
  ): { name: string; data: Record<string, unknown>; opts: JobsOptions } {
    return {
      name,
      data: sealJob(this.signingKey, queue, name, { ...data, org: actor.org, requestId: actor.requestId, actorSubject: actor.subject }),
      opts: {
        ...opts.jobOptions,
        jobId: makeJobId(queue, name, actor.org, randomUUID()),
        deduplication: opts.dedupKey
          ? { id: [queue, name, actor.org, opts.dedupKey].join('.'), keepLastIfActive: true }
          : undefined,
      },
    };
  }

  /**
   * Registers (or updates) a UTC cron schedule. BullMQ job schedulers fire once per tick
   * however many replicas register the same id. Schedules only enqueue; workers do the work.
   */
  async schedule(queue: QueueName, schedulerId: string, cron: string, name: string, data: Record<string, unknown> = {}) {
    // A template that names an organization is signed like any tenant job; every tick carries it.
    const template = { name, data: sealJob(this.signingKey, queue, name, data) };
    await this.queues[queue].upsertJobScheduler(schedulerId, { pattern: cron, tz: 'UTC' }, template);
  }

  async unschedule(queue: QueueName, schedulerId: string): Promise<void> {
    await this.queues[queue].removeJobScheduler(schedulerId);
  }
}
