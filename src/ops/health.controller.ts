import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth/decorators';
import { PROBLEM_JSON } from '../common/errors/problem.filter';
import { registry } from './metrics';
import { LiveResponse, ReadyResponse } from './ops.responses';
import { ReadinessCheck } from './readiness';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessCheck) {}

  @Get('health/live')
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: LiveResponse, description: 'Up' })
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: "Postgres and Redis are reachable and the tenant pool is not saturated (503 otherwise), with each schedule's last success" })
  @ApiOkResponse({ type: ReadyResponse, description: 'Ready for traffic' })
  async ready(@Res() reply: FastifyReply) {
    const { status, body } = await this.readiness.check();
    if (status === 200) return reply.send(body);
    return reply.status(503).type(PROBLEM_JSON).send(body);
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', registry.contentType)
  metrics() {
    return registry.metrics();
  }
}
