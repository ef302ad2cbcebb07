import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { notFound, serviceUnavailable } from '../../common/errors/common.errors';
import { todayUtc } from '../../common/time/today';
import { listPage } from '../../common/pagination/list-page';
import { Sql } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import { EnqueuedJob, JobProducer } from '../../jobs/job-producer';
import { QUEUES } from '../../jobs/queues';
import { LoanSnapshotsRepository } from '../snapshots/loan-snapshots.repository';
import { noLoanSnapshots } from '../snapshots/snapshots.errors';
import { asOfDateInFuture, tapeConfigInactive, tapeFileMissing, tapeNotReady } from './loan-tapes.errors';
import { TapeConfigsService } from './configs.service';
import { ListTapesQuery } from './loan-tapes.dto';
import { CONTENT_TYPES, tapeFileName } from './tape-rules';
import { TAPE_STORAGE, TapeStorage } from './tape-storage';
import { ConfigRow, TAPE_COLUMNS_SQL, TapeRow, tapeView } from './loan-tapes.views';

@Injectable()
export class TapesService {
  constructor(
    private readonly db: TenantDb,
    private readonly configs: TapeConfigsService,
    private readonly producer: JobProducer,
    @Inject(TAPE_STORAGE) private readonly storage: TapeStorage,
    private readonly snapshots: LoanSnapshotsRepository,
  ) {}

  /**
   * Checks the request now (404, 409 inactive, 422 future date or a past date without loan
   * snapshots), records the tape as queued and hands the work to a job. A request for a config
   * and date whose tape is still queued gets that tape and job instead of a second one.
   */
  async requestGenerate(actor: Actor, configId: string, asOfDate?: string): Promise<EnqueuedJob & { tape_id: string }> {
    const today = todayUtc();
    const asOf = asOfDate ?? today;
    if (asOf > today) {
      throw asOfDateInFuture(asOf, today);
    }
    this.producer.assertReady();
    const claimed = await this.db.transaction(actor.org, async (m) => {
      // The config's row lock makes requests for one config take turns, so two never both insert.
      const config = await this.configs.require(m, configId, true);
      if (!config.is_active) throw tapeConfigInactive(configId);
      const queued = await this.queuedTape(m, configId, asOf);
      if (queued) return { merged: queued };
      if (asOf < today && !(await this.snapshots.existOn(m, actor.org, asOf))) {
        throw noLoanSnapshots(asOf, 'tape');
      }
      const id = await this.insertTape(m, actor, config, asOf, today, 'manual', null);
      await recordAudit(m, actor, {
        action: 'loan_tape.generate',
        resourceType: 'loan_tape',
        resourceId: id,
        details: { config_id: configId, as_of_date: asOf, format: config.format },
      });
      // The tape row and the promise to generate it commit together (issue 14: durable work).
      const job = await this.producer.record(m, QUEUES.loanTapes, 'generate-tape', actor, { tapeId: id });
      await m.exec(`UPDATE loan_tapes SET job_id = $2 WHERE id = $1`, [id, job.opts.jobId]);
      return { merged: null, tapeId: id, job };
    });
    if (claimed.merged) return this.merged(actor, claimed.merged.id, claimed.merged.job_id);
    const { tapeId } = claimed;
    let job: EnqueuedJob;
    try {
      job = await this.producer.submit(claimed.job);
    } catch (err) {
      // Nothing will ever run this tape: leave no queued row behind.
      await this.db.transaction(actor.org, (m) => m.exec(`DELETE FROM loan_tapes WHERE id = $1 AND status = 'queued'`, [tapeId]));
      throw err;
    }
    return { tape_id: tapeId, ...job };
  }

  /**
   * A requested tape of this config and date still waiting for its job: a repeated request merges
   * into it (a scheduled tick's job id is not one /jobs can show, so those are left alone).
   * One without a job id yet is a request between its commit and its enqueue (a few ms); after
   * 30 s without one it is a request that died there, and no longer merges.
   */
  private queuedTape(m: Sql, configId: string, asOf: string) {
    return m.one<{ id: string; job_id: string | null; fresh: false }>(`SELECT id, job_id, false AS fresh FROM loan_tapes
        WHERE config_id = $1 AND as_of_date = $2 AND status = 'queued' AND trigger = 'manual'
          AND (job_id IS NOT NULL OR created_at > now() - interval '30 seconds')
        ORDER BY created_at LIMIT 1`,
      [configId, asOf],
    );
  }

  /** The merged request's answer: the same tape and job, once the first request has its job id. */
  private async merged(actor: Actor, tapeId: string, jobId: string | null): Promise<EnqueuedJob & { tape_id: string }> {
    for (let wait = 0; !jobId && wait < 50; wait++) {
      await new Promise((r) => setTimeout(r, 100));
      const row = await this.db.read(actor.org, (m) => m.one<{ job_id: string | null }>(`SELECT job_id FROM loan_tapes WHERE id = $1`, [tapeId]));
      if (!row) break; // its enqueue failed and the row was removed
      jobId = row.job_id;
    }
    if (!jobId) throw serviceUnavailable('An identical tape request is still being queued; try again shortly');
    return { tape_id: tapeId, job_id: jobId, status_url: `/jobs/${jobId}` };
  }

  /**
   * A scheduler tick: the tape row for this job, created on its first attempt and found again
   * on a retry. Null when the config was deactivated or unscheduled since the tick was set.
   */
  async scheduledTape(actor: Actor, configId: string, jobId: string): Promise<string | null> {
    return this.db.transaction(actor.org, async (m) => {
      const existing = await m.one<{ id: string }>(`SELECT id FROM loan_tapes WHERE job_id = $1`, [jobId]);
      if (existing) return existing.id;
      const config = await m.one<ConfigRow>(`SELECT * FROM loan_tape_configs WHERE id = $1`, [configId]);
      if (!config || !config.is_active || config.schedule === 'none') return null;
      const today = todayUtc();
      const id = await this.insertTape(m, actor, config, today, today, 'schedule', jobId);
      await recordAudit(m, actor, {
        action: 'loan_tape.generate',
        resourceType: 'loan_tape',
        resourceId: id,
        details: { config_id: configId, as_of_date: today, format: config.format, trigger: 'schedule' },
      });
      return id;
    });
  }

  list(actor: Actor, q: ListTapesQuery, req: FastifyRequest) {
    const where = new Where().and`organization_id = ${actor.org}`;
    if (q.config_id) where.and`config_id = ${q.config_id}`;
    if (q.status) where.and`status = ANY(${q.status})`;
    const list = { columns: TAPE_COLUMNS_SQL, from: 'loan_tapes', where, orderBy: 'created_at DESC, id DESC' };
    return this.db.transaction(actor.org, (m) => listPage(m, req, q, list, tapeView));
  }

  get(actor: Actor, id: string) {
    return this.db.transaction(actor.org, async (m) => tapeView(await this.require(m, id)));
  }

  /** The completed tape's file, with the headers a download needs. */
  async download(actor: Actor, id: string): Promise<{ stream: Readable; type: string; fileName: string; size: number }> {
    const tape = await this.db.transaction(actor.org, (m) => this.require(m, id));
    if (tape.status !== 'completed' || !tape.storage_key) {
      throw tapeNotReady(id, tape.status);
    }
    let stream: Readable;
    try {
      stream = await this.storage.openReadStream(tape.storage_key);
    } catch {
      throw tapeFileMissing(id);
    }
    return { stream, type: CONTENT_TYPES[tape.format], fileName: tape.file_name, size: Number(tape.byte_size) };
  }

  private async require(m: Sql, id: string): Promise<TapeRow> {
    const row = await m.one<TapeRow>(`SELECT ${TAPE_COLUMNS_SQL} FROM loan_tapes WHERE id = $1`, [id]);
    if (!row) throw notFound('Loan tape', id);
    return row;
  }

  /** The tape freezes the config's format, columns and scope as they are now. */
  private async insertTape(
    m: Sql,
    actor: Actor,
    config: ConfigRow,
    asOf: string,
    today: string,
    trigger: 'manual' | 'schedule',
    jobId: string | null,
  ): Promise<string> {
    const id = randomUUID();
    await m.exec(
      `INSERT INTO loan_tapes (id, config_id, trigger, format, columns, portfolio_id, as_of_date, source, file_name, job_id, requested_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        config.id,
        trigger,
        config.format,
        config.columns,
        config.portfolio_id,
        asOf,
        asOf < today ? 'snapshot' : 'live',
        tapeFileName(config.name, asOf, id, config.format),
        jobId,
        actor.subject,
      ],
    );
    return id;
  }
}
