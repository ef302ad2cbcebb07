import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { PRODUCER_REDIS } from '../jobs/redis.module';
import { ScheduleRuns } from '../jobs/schedule-runs';

/** Settles within `ms` or gives up: a probe never hangs on a dependency that is down. */
export const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

export interface Readiness {
  status: 200 | 503;
  body: Record<string, unknown>;
}

/**
 * `/health/ready` for the API and for a worker's own port: Postgres and Redis reachable (503
 * problem naming what is down otherwise), with each schedule's last success for alerting.
 */
@Injectable()
export class ReadinessCheck {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    private readonly runs: ScheduleRuns,
  ) {}

  async check(): Promise<Readiness> {
    const [postgres, redis, schedules] = await Promise.all([
      within(2000, this.ds.query('SELECT 1')).then(() => 'up', () => 'down'),
      within(1000, this.redis.ping()).then(() => 'up', () => 'down'),
      within(2000, this.schedules()).catch(() => null),
    ]);
    const checks = { postgres, redis };
    if (postgres === 'up' && redis === 'up') return { status: 200, body: { status: 'ok', checks, schedules } };
    return {
      status: 503,
      body: {
        type: 'https://portfolio-service.dev/problems/dependency-unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: `Not ready: ${Object.entries(checks).filter(([, v]) => v === 'down').map(([k]) => k).join(', ')} unreachable`,
        errors: [],
        checks,
        schedules,
      },
    };
  }

  private async schedules() {
    const now = Date.now();
    return (await this.runs.list()).map((r) => ({
      schedule: r.schedule,
      queue: r.queue,
      cron: r.cron,
      last_success_at: r.last_success_at?.toISOString() ?? null,
      age_seconds: r.last_success_at ? Math.round((now - r.last_success_at.getTime()) / 1000) : null,
    }));
  }
}
