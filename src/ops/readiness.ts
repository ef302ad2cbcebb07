import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { simple } from '../common/errors/problem';
import { TenantDb } from '../database/tenant-db';
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
    private readonly tenants: TenantDb,
  ) {}

  async check(): Promise<Readiness> {
    const [postgres, redis, schedules] = await Promise.all([
      within(2000, this.ds.query('SELECT 1')).then(() => 'up', () => 'down'),
      within(1000, this.redis.ping()).then(() => 'up', () => 'down'),
      within(2000, this.schedules()).catch(() => null),
    ]);
    // Callers queue for a connection only when every one is busy: requests here would hang.
    const pool = this.tenants.poolState();
    const saturated = pool.waiting > 0;
    if (postgres === 'up' && redis === 'up' && !saturated) return { status: 200, body: { status: 'ok', checks: { postgres, redis }, schedules } };
    // Named only when it is the problem, so the checks of a Redis or Postgres outage read as before.
    const checks = saturated ? { postgres, redis, tenant_pool: 'saturated' } : { postgres, redis };
    const unreachable = Object.entries({ postgres, redis }).filter(([, v]) => v === 'down').map(([k]) => k);
    const down = unreachable.length ? [`${unreachable.join(', ')} unreachable`] : [];
    if (saturated) down.push(`tenant pool saturated (${pool.busy} of ${pool.max} connections busy, ${pool.waiting} waiting)`);
    return {
      status: 503,
      body: {
        ...simple('dependency-unavailable', `Not ready: ${down.join('; ')}`).body,
        checks,
        pool,
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
