import type { Job } from 'bullmq';

/** What a long job reports to `/jobs/{id}`: `percent` 0–100 plus counts (rows written, …). */
export type Progress = { percent: number } & Record<string, number>;

export type ReportProgress = (p: Progress) => Promise<unknown> | void;

/**
 * `done` of `total` mapped into the span [from, to] of the percentage, rounded down so 100 is
 * only ever reported by the end of the work; no work at all counts as done.
 */
export function percentOf(done: number, total: number, from = 0, to = 100): number {
  if (total <= 0) return to;
  return Math.floor(from + ((to - from) * Math.min(done, total)) / total);
}

/** `count` ranges covering the whole uuid space, as [lo, hi) bounds (null: open-ended). */
export function uuidRanges(count: number): { lo: string | null; hi: string | null }[] {
  const step = 0x100000000 / count;
  const bound = (i: number) => `${Math.floor(i * step).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;
  return Array.from({ length: count }, (_v, i) => ({ lo: i === 0 ? null : bound(i), hi: i === count - 1 ? null : bound(i + 1) }));
}

/** A job's progress reporter: a progress write Redis refuses must not fail the work itself. */
export const progressOf = (job: Job): ReportProgress => (p) => job.updateProgress(p).catch(() => undefined);
