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
import { JobProducer } from '../../jobs/job-producer';
import { percentOf, ReportProgress, uuidRanges } from '../../jobs/progress';
import { afterRun, managerExec } from '../analytics/month-ends';
import { METRIC_COLUMNS, METRIC_SELECT, METRIC_UPSERT, monthStartSql, RECORD_OBSERVED, STATE_COLUMNS } from './snapshot-sql';
import { snapshotDateNotToday } from './snapshots.errors';

export interface SnapshotRunResult {
  loan_snapshots: number;
  portfolio_snapshots: number;
}

/** What a head keeps and the run compares: the state, less the bucket (days past due decides it). */
const STATE = ['portfolio_id', ...STATE_COLUMNS.filter((c) => c !== 'delinquency_bucket')];
const SET_STATE = STATE.map((c) => `${c} = EXCLUDED.${c}`).join(', ');

/**
 * One chunk of loans (`range` over an id column, $1 org, $2 date): loan snapshots for the loans
 * whose state differs from their head (every loan in the chunk on a keyframe, in key order so the
 * index pages fill in sequence), their heads brought up to date; answers the chunk's loan count.
 * Rows go in key order, so each index page is visited once. The diff keeps the state of changed loans only, so it stays small (OFFSET 0: the comparison is
 * worked out once per loan, not inlined into every column's CASE).
 */
export function runChunkSql(range: (col: string) => string, keyframe: boolean): string {
  const differs = `(h.loan_id IS NULL OR (${STATE.map((c) => `l.${c}`).join(', ')}) IS DISTINCT FROM (${STATE.map((c) => `h.${c}`).join(', ')}))`;
  // The stored bucket stays null: readers derive it from days past due (snapshot-sql.ts).
  const insert = `INSERT INTO loan_snapshots (loan_id, snapshot_date, ${STATE.join(', ')})`;
  // Named first: pg_stat_activity keeps only the first 1 kB of a statement, and operators (and
  // the fault suite) find the run by this name.
  return `/* snapshot-run chunk */ WITH c AS MATERIALIZED (
      SELECT x.id, x.changed, ${STATE.map((c) => `CASE WHEN x.changed THEN x.${c} END AS ${c}`).join(', ')}
        FROM (SELECT l.id, ${STATE.map((c) => `l.${c}`).join(', ')}, ${differs} AS changed
                FROM loans l LEFT JOIN loan_snapshot_heads h ON h.organization_id = $1 AND h.loan_id = l.id ${range('h.loan_id')}
               WHERE l.organization_id = $1 ${range('l.id')} OFFSET 0) x
    ), w AS (
      ${keyframe
        ? `${insert} SELECT l.id, $2::date, ${STATE.map((c) => `l.${c}`).join(', ')} FROM loans l WHERE l.organization_id = $1 ${range('l.id')} ORDER BY l.id`
        : `${insert} SELECT id, $2::date, ${STATE.join(', ')} FROM c WHERE changed ORDER BY id
           ON CONFLICT (organization_id, loan_id, snapshot_date) DO UPDATE SET ${SET_STATE}`}
    ), hd AS (
      INSERT INTO loan_snapshot_heads (loan_id, ${STATE.join(', ')})
      SELECT id, ${STATE.join(', ')} FROM c WHERE changed ORDER BY id
      ON CONFLICT (organization_id, loan_id) DO UPDATE SET ${SET_STATE}
    )
    SELECT count(*)::int AS n FROM c`;
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
   * One transaction, so a rerun or a retry after a crash leaves exactly one row per loan and
   * portfolio. On the month's first observed date every loan is written (the date's rows are
   * replaced); on a later date only the loans whose state differs from their head (their state on
   * the last observed date), upserted, since a rerun finds the first run's rows.
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
      // The date is recorded here, before the rows: the trigger for rows written by hand stays quiet.
      await client.query(`SET LOCAL app.snapshot_writer = 'on'`);
      // The diff hashes every head: in memory, not in spill files (this transaction only).
      await client.query(`SET LOCAL work_mem = '256MB'`);
      const { rows: earlier } = await client.query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM loan_snapshot_dates WHERE organization_id = $1 AND snapshot_date >= ${monthStartSql('$2')} AND snapshot_date < $2) AS found`,
        [org, date],
      );
      // The month's first observed date holds every loan (what later dates of the month build on); other dates only the changes.
      const keyframe = !earlier[0].found;
      await client.query(RECORD_OBSERVED, [[date], 'run']);
      if (keyframe) await client.query(`DELETE FROM loan_snapshots WHERE organization_id = $1 AND snapshot_date = $2`, [org, date]);
      const { rows: counted } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM loans WHERE organization_id = $1`, [org]);
      const total = counted[0].n;
      let written = 0;
      await progress({ percent: 0, loans_written: 0, loans_total: total, portfolios_done: 0 });
      // A keyframe writes every loan, in chunks with progress after each; a later date writes only
      // the changes, found in one pass (chunks would each read every loan's page again).
      const chunks = keyframe ? Math.min(MAX_CHUNKS, Math.max(1, Math.round(total / this.config.durable.snapshotChunkLoans))) : 1;
      for (const { lo, hi } of uuidRanges(chunks)) {
        const params: unknown[] = [org, date];
        const bounds = [lo && `>= $${params.push(lo)}`, hi && `< $${params.push(hi)}`].filter(Boolean);
        const range = (col: string) => bounds.map((b) => `AND ${col} ${b}::uuid`).join(' ');
        const chunk = await client.query<{ n: number }>(runChunkSql(range, keyframe), params);
        written += chunk.rows[0].n;
        await progress({ percent: percentOf(written, total, 0, LOANS_SHARE), loans_written: written, loans_total: total, portfolios_done: 0 });
      }
      // The heads now hold every loan's state on this date: the date's counts, and portfolio
      // snapshots that always agree with the loan snapshots, come from them.
      await client.query(`DELETE FROM loan_snapshot_counts WHERE organization_id = $1 AND snapshot_date = $2`, [org, date]);
      await client.query(
        `INSERT INTO loan_snapshot_counts (snapshot_date, portfolio_id, loans)
         SELECT $2::date, portfolio_id, count(*) FROM loan_snapshot_heads WHERE organization_id = $1 GROUP BY portfolio_id`,
        [org, date],
      );
      const portfolios = await client.query(
        `INSERT INTO portfolio_snapshots (portfolio_id, snapshot_date, ${METRIC_COLUMNS.join(', ')})
         SELECT p.id, $2::date, ${METRIC_SELECT}
           FROM portfolios p
           LEFT JOIN loan_snapshot_heads s ON s.organization_id = p.organization_id AND s.portfolio_id = p.id
          WHERE p.organization_id = $1 AND p.status IN ('active', 'sold')
          GROUP BY p.id
         ${METRIC_UPSERT}`,
        [org, date],
      );
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
