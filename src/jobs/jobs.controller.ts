import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor } from '../common/auth/decorators';
import { notFound, serviceUnavailable } from '../common/errors/domain-error';
import { JobProducer } from './job-producer';
import { parseJobId } from './queues';
import { JobResponse } from './jobs.responses';

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(private readonly producer: JobProducer) {}

  @Get(':id')
  @ApiOperation({ summary: "A job's state and result (own organization's jobs only)" })
  @ApiOkResponse({ type: JobResponse, description: 'The job' })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const parsed = parseJobId(id);
    if (!parsed || parsed.org !== actor.org) throw notFound('Job', id);
    if (!this.producer.redisReady) throw serviceUnavailable('The job queue (Redis) is unavailable; try again shortly');
    const job = await this.producer.queue(parsed.queue).getJob(id);
    if (!job || (job.data as { org?: string }).org !== actor.org) throw notFound('Job', id);
    const state = await job.getState();
    return {
      id: job.id,
      queue: parsed.queue,
      name: job.name,
      state,
      progress: job.progress,
      result: job.returnvalue ?? null,
      failed_reason: job.failedReason ?? null,
      attempts_made: job.attemptsMade,
      created_at: iso(job.timestamp),
      finished_at: iso(job.finishedOn),
    };
  }
}
