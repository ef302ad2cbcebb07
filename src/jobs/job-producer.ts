import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PRODUCER_REDIS } from './redis.module';
import { JobsOptions, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Actor, systemActor } from '../common/auth/actor';
import { IdentityStore } from '../common/auth/identity.store';
import { serviceUnavailable } from '../common/errors/domain-error';
import { JobData, JobName, makeJobId, QueueName, QUEUES } from './queues';


export interface EnqueuedJob {
  job_id: string;
  status_url: string;
}

@Injectable()
export class JobProducer {
  private readonly logger = new Logger(JobProducer.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    private readonly identities: IdentityStore,
    @InjectQueue(QUEUES.autoAssign) autoAssign: Queue,
    @InjectQueue(QUEUES.snapshots) snapshots: Queue,
    @InjectQueue(QUEUES.loanTapes) loanTapes: Queue,
    @InjectQueue(QUEUES.imports) imports: Queue,
    @InjectQueue(QUEUES.savings) savings: Queue,
  ) {
    this.queues = {
      'auto-assign': autoAssign,
      snapshots,
      'loan-tapes': loanTapes,
      imports,
      savings,
    };
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
