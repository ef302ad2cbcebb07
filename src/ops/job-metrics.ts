import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { TenantDb } from '../database/tenant-db';
import { JobProducer } from '../jobs/job-producer';
import { QUEUE_NAMES } from '../jobs/queues';
import { ScheduleRuns } from '../jobs/schedule-runs';
import { registry } from './metrics';
import { within } from './readiness';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;


/**
 * Gauges read at scrape time: queue depth per state, database pools, and each schedule's last
 * success (and its age), so an operator can alert on a stuck queue or a stale schedule.
 */
@Injectable()
export class JobMetrics implements OnModuleInit {
  constructor(
    private readonly producer: JobProducer,
    private readonly runs: ScheduleRuns,
    private readonly db: TenantDb,
  ) {}

  onModuleInit(): void {
    // A Nest app built twice in one process (tests) must not register the gauges twice.
    for (const name of ['queue_jobs', 'db_pool_connections', 'schedule_last_success_timestamp_seconds', 'schedule_last_success_age_seconds']) {
      registry.removeSingleMetric(name);
    }
    const producer = this.producer;
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs in each queue, by state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        if (!producer.redisReady) return;
        for (const queue of QUEUE_NAMES) {
          const counts = await within(1000, producer.queue(queue).getJobCounts(...QUEUE_STATES)).catch(() => undefined);
          for (const state of QUEUE_STATES) if (counts) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
    const db = this.db;
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections: in use, idle, and requests waiting for one',
      labelNames: ['pool', 'state'],
      registers: [registry],
      collect() {
        for (const p of db.poolStats()) {
          this.set({ pool: p.pool, state: 'in_use' }, p.inUse);
          this.set({ pool: p.pool, state: 'idle' }, p.idle);
          this.set({ pool: p.pool, state: 'waiting' }, p.waiting);
        }
      },
    });
    const runs = this.runs;
    const schedules = async () => within(1000, runs.list()).catch(() => []);
    new Gauge({
      name: 'schedule_last_success_timestamp_seconds',
      help: "Unix time of each schedule's last successful run (0: none yet)",
      labelNames: ['schedule'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await schedules()) this.set({ schedule: r.schedule }, r.last_success_at ? r.last_success_at.getTime() / 1000 : 0);
      },
    });
    new Gauge({
      name: 'schedule_last_success_age_seconds',
      help: "Seconds since each schedule's last successful run (since registration when it has none)",
      labelNames: ['schedule'],
      registers: [registry],
      async collect() {
        this.reset();
        const now = Date.now();
        for (const r of await schedules()) this.set({ schedule: r.schedule }, (now - (r.last_success_at ?? r.registered_at).getTime()) / 1000);
      },
    });
  }
}
