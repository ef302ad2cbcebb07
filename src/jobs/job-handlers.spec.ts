import { UnrecoverableError } from 'bullmq';
import type { Job } from 'bullmq';
import { bootProblems, handlerFor, JobHandlers } from './job-handlers';
import { jobNamesOf } from './job-payloads';
import { QUEUE_NAMES } from './queues';

const done = async () => 'done';

describe('job handler maps', () => {
  it('must name every job of the queue and nothing else (checked by npm run typecheck)', () => {
    const complete: JobHandlers<'snapshots'> = { 'snapshot-run': done, history: done, 'month-ends': done, 'fan-out': done };
    // @ts-expect-error 'history' has no handler
    const missing: JobHandlers<'snapshots'> = { 'snapshot-run': done, 'month-ends': done, 'fan-out': done };
    // @ts-expect-error 'wipe-history' is not a job of the snapshots queue
    const extra: JobHandlers<'snapshots'> = { ...complete, 'wipe-history': done };
    expect(Object.keys(complete).sort()).toEqual(jobNamesOf('snapshots').sort());
    expect([Object.keys(missing).length, Object.keys(extra).length]).toEqual([3, 5]);
  });

  it('dispatch by name; a name without a handler is unrecoverable, so BullMQ never retries it', async () => {
    const handlers: JobHandlers<'snapshots'> = { 'snapshot-run': done, history: async (d) => d.dates.length, 'month-ends': done, 'fan-out': done };
    const job = {} as Job;
    await expect(handlerFor(handlers, 'snapshots', 'history')({ dates: ['2026-01-01', '2026-01-02'] }, job)).resolves.toBe(2);
    expect(() => handlerFor(handlers, 'snapshots', 'wipe-history')).toThrow(UnrecoverableError);
    expect(() => handlerFor(handlers, 'snapshots', 'wipe-history')).toThrow('no handler for job "wipe-history" on queue snapshots');
    // What every object inherits is not a handler.
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => handlerFor(handlers, 'snapshots', name)).toThrow(UnrecoverableError);
    }
  });
});

describe('the workers boot check', () => {
  const declared = { a: ['x', 'y'], b: ['z'] };

  it('passes when every queue has one map covering exactly its jobs', () => {
    expect(bootProblems(declared, [{ worker: 'A', queue: 'a', jobs: ['y', 'x'] }, { worker: 'B', queue: 'b', jobs: ['z'] }])).toEqual([]);
  });

  it('refuses a queue without a handler map', () => {
    expect(bootProblems(declared, [{ worker: 'A', queue: 'a', jobs: ['x', 'y'] }])).toEqual([
      'queue "b" has no handler map (no JobWorker for it is provided)',
    ]);
    expect(bootProblems(declared, [])).toHaveLength(2);
  });

  it('refuses two maps for one queue, a map for an undeclared queue, and a map that misses or adds a job', () => {
    expect(
      bootProblems(declared, [
        { worker: 'A', queue: 'a', jobs: ['x'] },
        { worker: 'A2', queue: 'a', jobs: ['x', 'y', 'w'] },
        { worker: 'B', queue: 'b', jobs: ['z'] },
        { worker: 'C', queue: 'c', jobs: ['z'] },
      ]),
    ).toEqual([
      'queue "a" has 2 handler maps (A, A2)',
      'A has no handler for job "y" of queue "a"',
      'A2 handles "w", which queue "a" does not carry',
      'C serves queue "c", which QUEUES does not name',
    ]);
  });

  it('covers every queue QUEUES names, each with the job names of its payload shapes', () => {
    const all = Object.fromEntries(QUEUE_NAMES.map((q) => [q, jobNamesOf(q)]));
    expect(Object.keys(all).sort()).toEqual(['auto-assign', 'loan-tapes', 'savings', 'snapshots']);
    expect(all.savings.sort()).toEqual(['accrual', 'fan-out-accrual', 'fan-out-settlement', 'settlement']);
  });
});
