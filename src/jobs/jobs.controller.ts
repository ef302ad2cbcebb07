import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Job } from 'bullmq';
import type { Actor } from '../common/auth/actor';
import { CurrentActor } from '../common/auth/decorators';
import { notFound, serviceUnavailable } from '../common/errors/domain-error';
import { JobProducer } from './job-producer';
import { parseJobId } from './queues';

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
const FINAL = ['completed', 'failed'];

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(private readonly producer: JobProducer) {}

  @Get(':id')
  @ApiOperation({ summary: "A job's state and result (own organization's jobs only)" })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const parsed = parseJobId(id);
    if (!parsed || parsed.org !== actor.org) throw notFound('Job', id);
    if (!this.producer.redisReady) throw serviceUnavailable('The job queue (Redis) is unavailable; try again shortly');
    const queue = this.producer.queue(parsed.queue);
    let job = await queue.getJob(id);
    if (!job || (job.data as { org?: string }).org !== actor.org) throw notFound('Job', id);
    const state = await job.getState();
    // The record and the state are two reads: a job that finished between them is read again,
    // so a final state always comes with the result and finish time written with it.
    if (FINAL.includes(state) && !job.finishedOn) job = (await queue.getJob(id)) ?? job;
    return view(job, parsed.queue, state);
  }
}

function view(job: Job, queue: string, state: string) {
  return {
    id: job.id,
    queue,
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
