import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Job } from 'bullmq';
import type { Actor } from '../common/auth/actor';
import { CurrentActor } from '../common/auth/decorators';
import { notFound, queueUnavailable } from '../common/errors/common.errors';
import { JobProducer } from './job-producer';
import { JobRequestRow, JobRequests } from './job-requests';
import { JobResponse } from './jobs.responses';
import { parseJobId, QueueName } from './queues';

const iso = (ms: number | undefined) => (ms ? new Date(ms).toISOString() : null);
const FINAL = ['completed', 'failed'];

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly producer: JobProducer,
    private readonly requests: JobRequests,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: "A job's state and result (own organization's jobs only)" })
  @ApiOkResponse({ type: JobResponse, description: 'The job' })
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    const parsed = parseJobId(id);
    if (!parsed || parsed.org !== actor.org) throw notFound('Job', id);
    const live = this.producer.redisReady ? await this.fromRedis(actor, parsed.queue, id).catch(() => undefined) : undefined;
    if (live) return live;
    // Redis is down, lost the job, or removed it long after it finished: the durable record answers.
    const recorded = await this.requests.find(actor.org, id);
    if (recorded) return recordView(recorded);
    if (!this.producer.redisReady) throw queueUnavailable();
    throw notFound('Job', id);
  }

  private async fromRedis(actor: Actor, queueName: QueueName, id: string) {
    const queue = this.producer.queue(queueName);
    let job = await queue.getJob(id);
    if (!job || (job.data as { org?: string }).org !== actor.org) return undefined;
    const state = await job.getState();
    // The record and the state are two reads: a job that finished between them is read again,
    // so a final state always comes with the result and finish time written with it.
    if (FINAL.includes(state) && !job.finishedOn) job = (await queue.getJob(id)) ?? job;
    return liveView(job, queueName, state);
  }
}

/** `progress` is 0–100; a job that reports counts too sends `{ percent, ...counts }`. */
function progressOf(p: Job['progress']): { progress: number; progress_detail: Record<string, unknown> | null } {
  if (typeof p === 'number') return { progress: p, progress_detail: null };
  if (p && typeof p === 'object' && !Array.isArray(p)) {
    const { percent, ...counts } = p as Record<string, unknown>;
    return { progress: typeof percent === 'number' ? percent : 0, progress_detail: counts };
  }
  return { progress: 0, progress_detail: null };
}

function liveView(job: Job, queue: string, state: string) {
  return {
    id: job.id,
    queue,
    name: job.name,
    state,
    ...progressOf(job.progress),
    result: job.returnvalue ?? null,
    failed_reason: job.failedReason ?? null,
    attempts_made: job.attemptsMade,
    created_at: iso(job.timestamp),
    finished_at: iso(job.finishedOn),
  };
}

/** A pending record whose job Redis does not hold is waiting for the reconciler to add it back. */
function recordView(r: JobRequestRow) {
  return {
    id: r.id,
    queue: r.queue,
    name: r.name,
    state: r.status === 'pending' ? 'waiting' : r.status,
    progress: r.status === 'pending' ? 0 : 100,
    progress_detail: null,
    result: r.result ?? null,
    failed_reason: r.failed_reason,
    attempts_made: 0,
    created_at: r.created_at.toISOString(),
    finished_at: r.finished_at ? r.finished_at.toISOString() : null,
  };
}
