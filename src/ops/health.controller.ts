import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/decorators';
import { PROBLEM_JSON } from '../common/errors/problem.filter';
import { PRODUCER_REDIS } from '../jobs/redis.module';
import { ScheduleRuns } from '../jobs/schedule-runs';
import { registry } from './metrics';

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    private readonly runs: ScheduleRuns,
  ) {}

  @Get('health/live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: "Postgres and Redis are reachable (503 otherwise), with each schedule's last success" })
  async ready(@Res() reply: FastifyReply) {
    const [postgres, redis, schedules] = await Promise.all([
      within(2000, this.ds.query('SELECT 1')).then(() => 'up', () => 'down'),
      within(1000, this.redis.ping()).then(() => 'up', () => 'down'),
      within(2000, this.schedules()).catch(() => null),
    ]);
    const checks = { postgres, redis };
    if (postgres === 'up' && redis === 'up') return reply.send({ status: 'ok', checks, schedules });
    return reply
      .status(503)
      .type(PROBLEM_JSON)
      .send({
        type: 'https://portfolio-service.dev/problems/dependency-unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: `Not ready: ${Object.entries(checks).filter(([, v]) => v === 'down').map(([k]) => k).join(', ')} unreachable`,
        errors: [],
        checks,
        schedules,
      });
  }

  /** Each schedule's last successful run, so an operator can alert on a stale one. */
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

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', registry.contentType)
  metrics() {
    return registry.metrics();
  }
}
