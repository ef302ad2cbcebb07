import { Injectable } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { Sql } from '../database/sql';
import { TenantDb } from '../database/tenant-db';
import type { QueueName } from './queues';

/** What Redis is asked to hold, exactly as it will be (re-)added. */
export interface JobSpec {
  queue: QueueName;
  name: string;
  data: Record<string, unknown>;
  opts: JobsOptions & { jobId: string };
}

export type FinalState = 'completed' | 'failed' | 'merged';

export interface JobOutcome {
  id: string;
  state: FinalState;
  result?: unknown;
  reason?: string | null;
}

export interface JobRequestRow {
  id: string;
  queue: QueueName;
  name: string;
  status: 'pending' | 'completed' | 'failed';
  result: unknown;
  failed_reason: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/**
 * The outbox of accepted work (`job_requests`). A record is written in the request's own
 * transaction and stays `pending` until its job finishes for good, so whatever Redis loses,
 * the reconciler can add back under the same job id.
 */
@Injectable()
export class JobRequests {
  constructor(private readonly db: TenantDb) {}

  async insert(m: Sql, spec: JobSpec): Promise<void> {
    await m.exec(`INSERT INTO job_requests (id, queue, name, payload, opts) VALUES ($1, $2, $3, $4, $5)`, [
      spec.opts.jobId,
      spec.queue,
      spec.name,
      spec.data,
      spec.opts,
    ]);
  }

  /** Records many tenant jobs at once (a schedule's fan-out), each under its own organization. */
  async insertMany(specs: (JobSpec & { org: string })[]): Promise<void> {
    if (!specs.length) return;
    const jobs = specs.map((s) => ({ id: s.opts.jobId, org: s.org, queue: s.queue, name: s.name, payload: s.data, opts: s.opts }));
    await this.db.unscoped.query(`SELECT record_job_requests($1::jsonb)`, [JSON.stringify(jobs)]);
  }

  /** A request whose job was never added (Redis refused it): nothing was promised after all. */
  async forget(org: string, id: string): Promise<void> {
    await this.db.transaction(org, (m) => m.exec(`DELETE FROM job_requests WHERE id = $1 AND status = 'pending'`, [id]));
  }

  find(org: string, id: string): Promise<JobRequestRow | undefined> {
    return this.db.read(org, (m) =>
      m.one<JobRequestRow>(`SELECT id, queue, name, status, result, failed_reason, created_at, finished_at FROM job_requests WHERE id = $1`, [id]),
    );
  }

  /** A page (by id, after `after`) of pending records older than `graceMs`, across organizations. */
  pending(graceMs: number, after: string, limit: number): Promise<JobSpec[]> {
    return this.db.unscoped
      .query(`SELECT id, queue, name, payload, opts FROM pending_job_requests(make_interval(secs => $1::float8 / 1000), $2, $3)`, [
        graceMs,
        after,
        limit,
      ])
      .then((found: { queue: QueueName; name: string; payload: Record<string, unknown>; opts: JobSpec['opts'] }[]) =>
        found.map((r) => ({ queue: r.queue, name: r.name, data: r.payload, opts: r.opts })),
      );
  }

  /** Deletes up to `limit` records that finished more than `days` days ago; returns how many. */
  async prune(days: number, limit: number): Promise<number> {
    const [{ n }] = await this.db.unscoped.query(`SELECT prune_job_requests(make_interval(days => $1), $2) AS n`, [days, limit]);
    return n as number;
  }

  /** Writes final outcomes back in one statement; records already final are left alone. */
  async finish(outcomes: JobOutcome[]): Promise<void> {
    if (!outcomes.length) return;
    await this.db.unscoped.query(`SELECT finish_job_requests($1::text[], $2::text[], $3::jsonb[], $4::text[])`, [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.state),
      outcomes.map((o) => (o.result === undefined ? null : JSON.stringify(o.result))),
      outcomes.map((o) => o.reason ?? null),
    ]);
  }
}
