import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { PRODUCER_REDIS } from './redis.module';
import { APP_CONFIG, AppConfig } from '../config/env';
import { jobDefaults } from './job-defaults';
import { JobsOptions, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Actor, systemActor } from '../common/auth/actor';
import { IdentityStore } from '../common/auth/identity.store';
import { queueUnavailable } from '../common/errors/common.errors';
import { sealJob } from './job-payloads';
import { jobSigningKey } from './job-signature';
import { TenantDb } from '../database/tenant-db';
import { JobRequests, JobSpec } from './job-requests';
import { quietErrors } from './redis-outage';
import { JobData, JobName, makeJobId, QUEUE_NAMES, QueueName } from './queues';
import { Sql } from '../database/sql';

/** Jobs per addBulk call when fanning out: one Redis transaction each, of bounded size. */
const FAN_OUT_CHUNK = 500;

export interface EnqueuedJob {
  job_id: string;
  status_url: string;
}

/** A job recorded in Postgres (inside the caller's transaction) and not yet added to Redis. */
export type RecordedJob = JobSpec & { org: string; requestId?: string };

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly identities: IdentityStore,
    private readonly requests: JobRequests,
    private readonly db: TenantDb,
  ) {
    this.signingKey = jobSigningKey(config.jwtSecret);
    this.queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [
        name,
        new Queue(name, { connection: redis, prefix: config.queuePrefix, defaultJobOptions: jobDefaults(config) }),
      ]),
    ) as Record<QueueName, Queue>;
    for (const [name, q] of Object.entries(this.queues)) quietErrors(q, `queue:${name}`);
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

  /** Job submissions answer 503 at once while Redis is away, before anything is written. */
  assertReady(): void {
    if (!this.redisReady) throw queueUnavailable();
  }

  /**
   * Enqueues a tenant job (see jobSpec) durably: recorded in its own transaction, then added.
   * A merged repeat returns the waiting job's id. Callers with writes of their own use
   * `record` inside their transaction and `submit` after it commits instead.
   */
  async enqueue<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    actor: Actor,
    data: Omit<JobData<Q, N>, 'org' | 'requestId' | 'actorSubject'>,
    opts: { dedupKey?: string; jobOptions?: JobsOptions } = {},
  ): Promise<EnqueuedJob> {
    this.assertReady();
    const job = await this.db.transaction(actor.org, (m) => this.record(m, queue, name, actor, data, opts));
    return this.submit(job);
  }

  /** Writes the job request in the caller's transaction; the job id is fixed from here on. */
  async record<Q extends QueueName, N extends JobName<Q>>(
    m: Sql,
    queue: Q,
    name: N,
    actor: Actor,
    data: Omit<JobData<Q, N>, 'org' | 'requestId' | 'actorSubject'>,
    opts: { dedupKey?: string; jobOptions?: JobsOptions } = {},
  ): Promise<RecordedJob> {
    const spec = { queue, ...this.jobSpec(queue, name, actor, data, opts) };
    await this.requests.insert(m, spec);
    return { ...spec, org: actor.org, requestId: actor.requestId };
  }

  /**
   * Adds a recorded job to Redis (after its transaction committed). When Redis refuses, the
   * request is forgotten and the caller gets 503, unless `keepOnFailure`: then the record
   * stays pending and the workers' reconciler adds it later (work already promised).
   */
  async submit(job: RecordedJob, { keepOnFailure = false } = {}): Promise<EnqueuedJob> {
    const { queue, name, opts } = job;
    // Test hook (refused outside NODE_ENV=test): die exactly where a crash would hurt most.
    if (this.config.durable.exitBeforeEnqueue) process.exit(86);
    try {
      if (!this.redisReady) throw new Error('Redis is not connected');
      const added = await this.queues[queue].add(name, job.data, opts);
      const id = added.id ?? opts.jobId;
      await this.mergedAway([{ id: opts.jobId, addedAs: id }]);
      this.logger.log({ job_id: id, queue, name, request_id: job.requestId }, 'job enqueued');
      return { job_id: id, status_url: `/jobs/${id}` };
    } catch (err) {
      this.logger.warn({ job_id: opts.jobId, queue, name, err: (err as Error).message, kept: keepOnFailure }, 'enqueue failed');
      if (!keepOnFailure) await this.requests.forget(job.org, opts.jobId).catch(() => undefined);
      throw queueUnavailable();
    }
  }

  /** The reconciler: adds recorded jobs back under their own ids (an id Redis still has is a no-op). */
  async readd(specs: JobSpec[]): Promise<{ id: string; addedAs: string }[]> {
    const out: { id: string; addedAs: string }[] = [];
    for (const queue of QUEUE_NAMES) {
      const mine = specs.filter((s) => s.queue === queue);
      if (!mine.length) continue;
      const added = await this.queues[queue].addBulk(mine.map((s) => ({ name: s.name, data: s.data, opts: s.opts })));
      added.forEach((job, i) => out.push({ id: mine[i].opts.jobId, addedAs: job.id ?? mine[i].opts.jobId }));
    }
    return out;
  }

  /**
   * A fan-out job's worker calls this: one tenant job per known organization, recorded (one
   * statement per chunk) and added in bulk, so a Redis that loses them loses no organization's run.
   */
  async enqueueForEveryOrganization<Q extends QueueName, N extends JobName<Q>>(
    queue: Q,
    name: N,
    data: Omit<JobData<Q, N>, 'org' | 'requestId' | 'actorSubject'>,
    opts: { dedupKey?: string; requestId?: string } = {},
  ): Promise<number> {
    const orgs = await this.identities.organizations();
    for (let i = 0; i < orgs.length; i += FAN_OUT_CHUNK) {
      const specs = orgs
        .slice(i, i + FAN_OUT_CHUNK)
        .map((org) => ({ queue, org, ...this.jobSpec(queue, name, systemActor(org, opts.requestId), data, opts) }));
      await this.requests.insertMany(specs);
      await this.mergedAway(await this.readd(specs));
    }
    this.logger.log({ queue, name, organizations: orgs.length, request_id: opts.requestId }, 'jobs enqueued for every organization');
    return orgs.length;
  }

  /** Requests Redis folded into an equal waiting job: that job (and its record) carries the work. */
  async mergedAway(added: { id: string; addedAs: string }[]): Promise<number> {
    const merged = added.filter((a) => a.addedAs !== a.id);
    await this.requests.finish(merged.map((a) => ({ id: a.id, state: 'merged' as const })));
    return merged.length;
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
  ): { name: string; data: Record<string, unknown>; opts: JobsOptions & { jobId: string } } {
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
