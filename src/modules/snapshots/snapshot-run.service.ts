// Read model: reads loans (owned by loans) and portfolios (owned by portfolios) in set-based
// statements; it writes only this module's tables (loan_snapshots, portfolio_snapshots, …) and
// hands the month-end aggregates to analytics (afterRun) in the same transaction.
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import type { Actor } from '../../common/auth/actor';
import { systemActor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { todayUtc } from '../../common/time/today';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import { JobProducer } from '../../jobs/job-producer';
import { percentOf, ReportProgress, uuidRanges } from '../../jobs/progress';
import { afterRun, managerExec } from '../analytics/month-ends';
import { LOAN_SNAPSHOT_COLUMNS, LOAN_SNAPSHOT_FROM_LOANS, METRIC_COLUMNS, METRIC_SELECT, METRIC_UPSERT, RECORD_OBSERVED } from './snapshot-sql';
import { snapshotDateNotToday } from './snapshots.errors';

export interface SnapshotRunResult {
  loan_snapshots: number;
  portfolio_snapshots: number;
}

/** At most this many chunks (SNAPSHOT_RUN_CHUNK_LOANS loans each): a chunk re-reads the loans' pages. */
const MAX_CHUNKS = 20;
/** The loan phase fills the progress up to here; the portfolio aggregate takes the rest. */
const LOANS_SHARE = 90;

/** The daily run (§5): every loan's and every active or sold portfolio's snapshot for today. */
@Injectable()
export class SnapshotRunService {
  constructor(
    private readonly db: TenantDb,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  request(actor: Actor, date?: string) {
    const today = todayUtc();
    const snapshotDate = date ?? today;
    if (snapshotDate !== today) throw snapshotDateNotToday(snapshotDate, today);
    return this.producer.enqueue('snapshots', 'snapshot-run', actor, { snapshotDate }, { dedupKey: snapshotDate });
  }

  /**
   * Replaces the date's rows in one transaction (delete, then set-based inserts), so a rerun or a
   * retry after a crash leaves exactly one row per loan and portfolio, whatever was there before.
   * Loans go in chunks of uuid ranges (about SNAPSHOT_RUN_CHUNK_LOANS each), progress after every chunk:
   * a loan's id never changes, so each loan falls in exactly one chunk even while loans change.
   */
  async snapshotDay(
    org: string,
    date: string,
    meta: { requestId?: string; actorSubject?: string } = {},
    progress: ReportProgress = () => undefined,
  ): Promise<SnapshotRunResult> {
    // Its own short transaction: creating a partition locks the parent, so do it before the work.
    await this.db.transaction(org, (m) => m.exec(`SELECT ensure_loan_snapshot_partitions($1::date, ($1::date + 40))`, [date]));
    return this.db.withClient(org, async (client, m) => {
      // Serialises a manual and a scheduled run of one organization instead of letting them collide.
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('snapshot-run.' || $1, 0))`, [org]);
      await client.query(`DELETE FROM loan_snapshots WHERE organization_id = $1 AND snapshot_date = $2`, [org, date]);
      const { rows: counted } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM loans WHERE organization_id = $1`, [org]);
      const total = counted[0].n;
      let written = 0;
      await progress({ percent: 0, loans_written: 0, loans_total: total, portfolios_done: 0 });
      for (const { lo, hi } of uuidRanges(Math.min(MAX_CHUNKS, Math.max(1, Math.round(total / this.config.durable.snapshotChunkLoans))))) {
        // $1 the organization, $2 the date (LOAN_SNAPSHOT_FROM_LOANS reads it); the chunk's bounds follow.
        const where = new Where([org, date]).and`organization_id = $1`;
        if (lo) where.and`id >= ${lo}`;
        if (hi) where.and`id < ${hi}`;
        const chunk = await client.query(
          `INSERT INTO loan_snapshots (${LOAN_SNAPSHOT_COLUMNS})
           SELECT ${LOAN_SNAPSHOT_FROM_LOANS} FROM loans WHERE ${where.sql}`,
          where.params,
        );
        written += chunk.rowCount ?? 0;
        await progress({ percent: percentOf(written, total, 0, LOANS_SHARE), loans_written: written, loans_total: total, portfolios_done: 0 });
      }
      // Aggregated from the rows just written, so portfolio and loan snapshots always agree.
      const portfolios = await client.query(
        `INSERT INTO portfolio_snapshots (portfolio_id, snapshot_date, ${METRIC_COLUMNS.join(', ')})
         SELECT p.id, $2::date, ${METRIC_SELECT}
           FROM portfolios p
           LEFT JOIN loan_snapshots s ON s.organization_id = p.organization_id AND s.portfolio_id = p.id AND s.snapshot_date = $2
          WHERE p.organization_id = $1 AND p.status IN ('active', 'sold')
          GROUP BY p.id
         ${METRIC_UPSERT}`,
        [org, date],
      );
      await client.query(RECORD_OBSERVED, [[date], 'run']);
      // The month's month-end moved: vintages and the §11 series read the new one once this commits.
      await afterRun(managerExec(m), org, date);
      const result = { loan_snapshots: written, portfolio_snapshots: portfolios.rowCount ?? 0 };
      await recordAudit(m, systemActor(org, meta.requestId), {
        action: 'snapshot_run.complete', resourceType: 'snapshot_run', resourceId: date,
        details: { ...result, snapshot_date: date, requested_by: meta.actorSubject ?? 'schedule' },
      });
      await progress({ percent: 100, loans_written: written, loans_total: total, portfolios_done: result.portfolio_snapshots });
      return result;
    });
  }
}
