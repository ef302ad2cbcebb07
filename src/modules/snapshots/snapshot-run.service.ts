import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { systemActor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { unprocessable } from '../../common/errors/domain-error';
import { todayUtc } from '../../common/money/validators';
import { TenantDb } from '../../database/tenant-db';
import { JobProducer } from '../../jobs/job-producer';
import { LOAN_SNAPSHOT_COLUMNS, LOAN_SNAPSHOT_FROM_LOANS, METRIC_COLUMNS, METRIC_SELECT, METRIC_UPSERT, RECORD_OBSERVED } from './snapshot-sql';

export interface SnapshotRunResult {
  loan_snapshots: number;
  portfolio_snapshots: number;
}

export const notToday = (date: string, today: string) =>
  unprocessable('snapshot-date-not-today', `A snapshot run records live state, so it can only be dated today (${today}, UTC)`, [
    { field: 'snapshot_date', message: `must be today (${today}); got ${date}` },
  ]);

/** The daily run (§5): every loan's and every active or sold portfolio's snapshot for today. */
@Injectable()
export class SnapshotRunService {
  constructor(
    private readonly db: TenantDb,
    private readonly producer: JobProducer,
  ) {}

  request(actor: Actor, date?: string) {
    const today = todayUtc();
    const snapshotDate = date ?? today;
    if (snapshotDate !== today) throw notToday(snapshotDate, today);
    return this.producer.enqueue('snapshots', 'snapshot-run', actor, { snapshotDate }, { dedupKey: snapshotDate });
  }

  /**
   * Replaces the date's rows in one transaction (delete, then set-based inserts), so a rerun or a
   * retry after a crash leaves exactly one row per loan and portfolio, whatever was there before.
   */
  async run(org: string, date: string, meta: { requestId?: string; actorSubject?: string } = {}): Promise<SnapshotRunResult> {
    // Its own short transaction: creating a partition locks the parent, so do it before the work.
    await this.db.run(org, (m) => m.query(`SELECT ensure_loan_snapshot_partitions($1::date, ($1::date + 40))`, [date]));
    return this.db.withClient(org, async (client, m) => {
      // Serialises a manual and a scheduled run of one organization instead of letting them collide.
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('snapshot-run.' || $1, 0))`, [org]);
      await client.query(`DELETE FROM loan_snapshots WHERE organization_id = $1 AND snapshot_date = $2`, [org, date]);
      const loans = await client.query(
        `INSERT INTO loan_snapshots (${LOAN_SNAPSHOT_COLUMNS})
         SELECT ${LOAN_SNAPSHOT_FROM_LOANS} FROM loans WHERE organization_id = $1`,
        [org, date],
      );
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
      const result = { loan_snapshots: loans.rowCount ?? 0, portfolio_snapshots: portfolios.rowCount ?? 0 };
      await recordAudit(m, systemActor(org, meta.requestId), {
        action: 'snapshot_run.complete', resourceType: 'snapshot_run', resourceId: date,
        details: { ...result, snapshot_date: date, requested_by: meta.actorSubject ?? 'schedule' },
      });
      return result;
    });
  }
}
