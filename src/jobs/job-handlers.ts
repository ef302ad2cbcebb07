import { Job, UnrecoverableError } from 'bullmq';
import type { JobData, JobName, QueueName } from './queues';

/**
 * A queue's handlers, one per job name it carries (`JobPayloads`): a job name without a
 * handler, or a handler for a name the queue does not carry, does not compile.
 */
export type JobHandlers<Q extends QueueName> = {
  [N in JobName<Q>]: (data: JobData<Q, N>, job: Job) => Promise<unknown>;
};

type AnyHandler = (data: unknown, job: Job) => Promise<unknown>;

/**
 * The handler for a job's name. A name without one can never succeed, so it fails at once and
 * is never retried. Own properties only: `constructor` or `toString` are not handlers.
 */
export function handlerFor(handlers: object, queue: string, name: string): AnyHandler {
  if (!Object.hasOwn(handlers, name)) throw new UnrecoverableError(`no handler for job "${name}" on queue ${queue}`);
  return (handlers as Record<string, AnyHandler>)[name];
}

/** One worker's handler map, as the boot check sees it. */
export interface RegisteredHandlers {
  worker: string;
  queue: string;
  jobs: string[];
}

/**
 * Why a worker process must not start; empty when every declared queue has exactly one handler
 * map and each map covers exactly its queue's job names. A queue without one would take jobs
 * nobody runs, and the compile-time check cannot see which processors a process provides.
 */
export function bootProblems(declared: Record<string, readonly string[]>, registered: RegisteredHandlers[]): string[] {
  const problems: string[] = [];
  for (const queue of Object.keys(declared)) {
    const maps = registered.filter((r) => r.queue === queue);
    if (maps.length === 0) problems.push(`queue "${queue}" has no handler map (no JobWorker for it is provided)`);
    if (maps.length > 1) problems.push(`queue "${queue}" has ${maps.length} handler maps (${maps.map((m) => m.worker).join(', ')})`);
  }
  for (const r of registered) {
    const names = declared[r.queue];
    if (!Object.hasOwn(declared, r.queue)) {
      problems.push(`${r.worker} serves queue "${r.queue}", which QUEUES does not name`);
      continue;
    }
    for (const name of names) if (!r.jobs.includes(name)) problems.push(`${r.worker} has no handler for job "${name}" of queue "${r.queue}"`);
    for (const name of r.jobs) if (!names.includes(name)) problems.push(`${r.worker} handles "${name}", which queue "${r.queue}" does not carry`);
  }
  return problems;
}
