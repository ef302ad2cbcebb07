import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../common/auth/decorators';
import { PROBLEM_JSON } from '../common/errors/problem.filter';
import { TenantDb } from '../database/tenant-db';
import { PRODUCER_REDIS } from '../jobs/redis.module';
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
    private readonly tenants: TenantDb,
  ) {}

  @Get('health/live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Postgres and Redis are reachable and the tenant pool is not saturated (503 otherwise)' })
  async ready(@Res() reply: FastifyReply) {
    const [postgres, redis] = await Promise.all([
      within(2000, this.ds.query('SELECT 1')).then(() => 'up', () => 'down'),
      within(1000, this.redis.ping()).then(() => 'up', () => 'down'),
    ]);
    // Callers queue for a connection only when every one is busy: requests here would hang.
    const pool = this.tenants.poolState();
    const saturated = pool.waiting > 0;
    if (postgres === 'up' && redis === 'up' && !saturated) return reply.send({ status: 'ok', checks: { postgres, redis } });
    // Named only when it is the problem, so the checks of a Redis or Postgres outage read as before.
    const checks = saturated ? { postgres, redis, tenant_pool: 'saturated' } : { postgres, redis };
    const unreachable = Object.entries({ postgres, redis }).filter(([, v]) => v === 'down').map(([k]) => k);
    const down = unreachable.length ? [`${unreachable.join(', ')} unreachable`] : [];
    if (saturated) down.push(`tenant pool saturated (${pool.busy} of ${pool.max} connections busy, ${pool.waiting} waiting)`);
    return reply
      .status(503)
      .type(PROBLEM_JSON)
      .send({
        type: 'https://portfolio-service.dev/problems/dependency-unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: `Not ready: ${down.join('; ')}`,
        errors: [],
        checks,
        pool,
      });
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', registry.contentType)
  metrics() {
    return registry.metrics();
  }
}
