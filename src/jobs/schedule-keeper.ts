import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/env';
import { missedFire } from './catch-up';
import { JobProducer } from './job-producer';
import type { QueueName } from './queues';
import { PRODUCER_REDIS } from './redis.module';
import { ScheduleRuns } from './schedule-runs';
import { onFinalOutcome } from './job-worker';

export interface ScheduleDef {
  id: string;
  queue: QueueName;
  cron: string;
  /** The job the scheduler adds (a fan-out). */
  name: string;
  /** A fire missed while Redis or every worker was down runs once, after SCHEDULE_CATCH_UP_GRACE_MS. */
  catchUp?: boolean;
}

const CATCH_UP = 'catch-up';
/** `catch-up.<schedule>.<fire ms>`: one id per missed fire, so replicas cannot add it twice. */
const catchUpJobId = (schedule: string, fire: Date) => [CATCH_UP, schedule, fire.getTime()].join('.');
const scheduleOfCatchUp = (jobId: string) => (jobId.startsWith(`${CATCH_UP}.`) ? jobId.split('.')[1] : undefined);

/**
 * Workers only. Keeps every job scheduler registered: at start, after every Redis reconnect
 * and every SCHEDULE_CHECK_INTERVAL_MS it re-adds whatever Redis no longer has (a restart
 * without persistence, FLUSHALL), catches up a missed daily run once, and records each
 * schedule's last success in Postgres.
 */
@Injectable()
export class ScheduleKeeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScheduleKeeper.name);
  private readonly wanted = new Map<string, ScheduleDef>();
  private readonly sources: { name: string; sync: () => Promise<unknown> }[] = [];
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private running?: Promise<void>;
  private readonly onReady = () => void this.check('redis-ready');

  constructor(
    private readonly producer: JobProducer,
    private readonly runs: ScheduleRuns,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Worker modules declare their fixed schedules here (in onModuleInit). */
  define(def: ScheduleDef): void {
    this.wanted.set(def.id, def);
  }

  /** A set of schedules kept elsewhere (one per tape config) re-registers itself through `sync`. */
  addSource(name: string, sync: () => Promise<unknown>): void {
    this.sources.push({ name, sync });
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = onFinalOutcome((o, job) => {
      const schedule = job.repeatJobKey ?? scheduleOfCatchUp(String(job.id));
      if (o.state !== 'completed' || !schedule) return;
      this.runs.succeeded(schedule, job.queueName).catch((err: Error) => this.logger.warn({ schedule, err: err.message }, 'schedule success not recorded'));
    });
    this.redis.on('ready', this.onReady);
    this.timer = setInterval(() => void this.check('interval'), this.config.durable.scheduleCheckIntervalMs);
    this.timer.unref();
    void this.check('start');
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.redis.off('ready', this.onReady);
    this.unsubscribe?.();
  }

  /** One pass; a pass already under way is joined. Never throws: the next pass tries again. */
  check(trigger: string): Promise<void> {
    this.running ??= this.pass(trigger).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(trigger: string): Promise<void> {
    if (!this.producer.redisReady) return;
    try {
      const restored = await this.restore(trigger === 'start');
      for (const s of this.sources) await s.sync();
      const caughtUp = await this.catchUp();
      if (restored.length || caughtUp.length) this.logger.warn({ trigger, restored, caught_up: caughtUp }, 'job schedules repaired');
    } catch (err) {
      this.logger.warn({ trigger, err: (err as Error).message }, 'schedule check failed; retrying on the next pass');
    }
  }

  /** Re-registers each fixed schedule Redis does not have (or has with another cron). */
  private async restore(first: boolean): Promise<string[]> {
    const restored: string[] = [];
    const queues = [...new Set([...this.wanted.values()].map((d) => d.queue))];
    for (const queue of queues) {
      const existing = new Map((await this.producer.queue(queue).getJobSchedulers(0, -1)).map((s) => [s.key, s.pattern]));
      for (const d of [...this.wanted.values()].filter((w) => w.queue === queue)) {
        if (existing.get(d.id) !== d.cron) {
          await this.producer.schedule(d.queue, d.id, d.cron, d.name);
          if (!first) restored.push(d.id);
        }
        if (first || existing.get(d.id) !== d.cron) await this.runs.registered(d.id, d.queue, d.cron);
      }
    }
    return restored;
  }

  private async catchUp(): Promise<string[]> {
    const caught: string[] = [];
    const known = new Map((await this.runs.list()).map((r) => [r.schedule, r]));
    for (const d of [...this.wanted.values()].filter((w) => w.catchUp)) {
      const run = known.get(d.id);
      const fire = missedFire(d.cron, new Date(), this.config.durable.scheduleCatchUpGraceMs, run?.last_success_at ?? null, run?.last_catch_up_for ?? null);
      if (!fire || !(await this.runs.claimCatchUp(d.id, fire))) continue;
      await this.producer.queue(d.queue).add(d.name, {}, { jobId: catchUpJobId(d.id, fire) });
      caught.push(d.id);
    }
    return caught;
  }
}
