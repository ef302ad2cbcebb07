// Read model: reads loans (owned by loans) and portfolios (owned by portfolios) in set-based
// statements; it writes only this module's tables (loan_snapshots, portfolio_snapshots, …) and
// hands the month-end aggregates to analytics (afterRun) in the same transaction.
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import type { Actor } from '../../common/auth/actor';
import { systemActor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { todayUtc } from '../../common/time/today';
import { paramsFor } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { JobProducer, RecordedJob } from '../../jobs/job-producer';
import { percentOf, ReportProgress, uuidRanges } from '../../jobs/progress';
import { afterRun, deferRun, ensureMonthEnds, managerExec } from '../analytics/month-ends';
import {
  COUNTS_FROM_SUMS_SQL, HEAD_STATE, moveHeadSumsSql, PORTFOLIO_SNAPSHOTS_FROM_SUMS_SQL, REBUILD_HEAD_SUMS_SQL, SUMMED_STATE,
} from './head-sums-sql';
import { monthStartSql, RECORD_OBSERVED } from './snapshot-sql';
import { snapshotDateNotToday } from './snapshots.errors';

export interface SnapshotRunResult {
  loan_snapshots: number;
  portfolio_snapshots: number;
}

const STATE = HEAD_STATE;
const SET_STATE = STATE.map((c) => `${c} = EXCLUDED.${c}`).join(', ');
const differs = (l: string, h: string) =>
  `(${h}.loan_id IS NULL OR (${STATE.map((c) => `${l}.${c}`).join(', ')}) IS DISTINCT FROM (${STATE.map((c) => `${h}.${c}`).join(', ')}))`;
const INSERT_SNAPSHOTS = `INSERT INTO loan_snapshots (loan_id, snapshot_date, ${STATE.join(', ')})`;
const UPSERT_HEADS = (from: string) => `INSERT INTO loan_snapshot_heads (loan_id, ${STATE.join(', ')})
      SELECT id, ${STATE.join(', ')} FROM ${from} ORDER BY id
      ON CONFLICT (organization_id, loan_id) DO UPDATE SET ${SET_STATE}`;

/**
 * A keyframe's chunk of loans (`range` over an id column, $1 org, $2 date): every loan's snapshot,
 * in key order so the index pages fill in sequence, and the heads of the loans whose state
 * differs from theirs brought up to date; answers the chunk's loan count. The diff keeps the
 * state of changed loans only, so it stays small (OFFSET 0: the comparison is worked out once
 * per loan, not inlined into every column's CASE).
 */
export function runChunkSql(range: (col: string) => string): string {
  // Named first: pg_stat_activity keeps only the first 1 kB of a statement, and operators (and
  // the fault suite) find the run by this name.
  return `/* snapshot-run chunk */ WITH c AS MATERIALIZED (
      SELECT x.id, x.changed, ${STATE.map((c) => `CASE WHEN x.changed THEN x.${c} END AS ${c}`).join(', ')}
        FROM (SELECT l.id, ${STATE.map((c) => `l.${c}`).join(', ')}, ${differs('l', 'h')} AS changed
                FROM loans l LEFT JOIN loan_snapshot_heads h ON h.organization_id = $1 AND h.loan_id = l.id ${range('h.loan_id')}
               WHERE l.organization_id = $1 ${range('l.id')} OFFSET 0) x
    ), w AS (
      ${INSERT_SNAPSHOTS} SELECT l.id, $2::date, ${STATE.map((c) => `l.${c}`).join(', ')} FROM loans l WHERE l.organization_id = $1 ${range('l.id')} ORDER BY l.id
    ), hd AS (
      ${UPSERT_HEADS('c WHERE changed')}
    )
    SELECT count(*)::int AS n FROM c`;
}

/**
 * A rerun compares with the date's first run, not with the row before it: a row that entered
 * its portfolio stays an entry (the portfolio index finds loans by their entry rows, migration
 * 1764600000090; one entry too many costs a candidate, one too few loses the loan).
 */
const KEEP_ENTRY = 'portfolio_entry = loan_snapshots.portfolio_entry OR EXCLUDED.portfolio_entry';

/** Planner settings that leave a join by `ctid` only its TID scan. */
const ONLY_TID_LOOKUPS = ['enable_hashjoin', 'enable_mergejoin', 'enable_indexscan', 'enable_bitmapscan'];

/**
 * A later date of the month ($1 org, $2 date): the loans written since the last run (taken from
 * loan_snapshot_pending with the state each write left; a loan written after this read keeps its
 * pending row for the next run) compared with their heads, into the temporary table run_changes; then those loans' rows for
 * the date (entries of the portfolio index only where the portfolio moved), their heads and the head sums. About a tenth of the book changes on a day, which
 * touches nearly every page: hash joins over the tables read them once, where probes would read
 * each page many times. `rerun`: the date was observed before, so some rows exist and are
 * replaced; otherwise none can, and a plain insert skips the conflict check of every row.
 */
export function changesSql(rerun: boolean): string[] {
  return [
    `CREATE TEMP TABLE run_pending ON COMMIT DROP AS SELECT loan_id, ${STATE.join(', ')} FROM loan_snapshot_pending WHERE false`,
    // Each loan's latest pending state is its state now (its writes are serialised by its row
    // lock, and numbered in that order): the book itself is not read.
    `WITH taken AS (DELETE FROM loan_snapshot_pending WHERE organization_id = $1 RETURNING loan_id, seq, ${STATE.join(', ')})
     INSERT INTO run_pending SELECT DISTINCT ON (loan_id) loan_id, ${STATE.join(', ')} FROM taken ORDER BY loan_id, seq DESC`,
    // One hash of the taken loans against one pass over the heads, planned without statistics
    // for run_pending (an ANALYZE of it costs more than the plan it would pick).
    `SET LOCAL enable_nestloop = off`,
    `SET LOCAL enable_mergejoin = off`,
    `CREATE TEMP TABLE run_changes ON COMMIT DROP AS
     SELECT t.loan_id AS id, ${STATE.map((c) => `t.${c}`).join(', ')}, h.loan_id IS NOT NULL AS had, h.ctid AS head_ctid, ${SUMMED_STATE.map((c) => `h.${c} AS old_${c}`).join(', ')}
       FROM run_pending t
       LEFT JOIN loan_snapshot_heads h ON h.organization_id = $1 AND h.loan_id = t.loan_id
      WHERE ${differs('t', 'h')}`,
    // No ANALYZE of run_changes: the statement below is planned by its settings, scans and a
    // hash aggregate by portfolio. Each head is updated where the diff found it (a TID scan), not
    // found again by a hash over every head. Heads change only under the run's lock; the key is
    // checked all the same.
    `SET LOCAL enable_nestloop TO DEFAULT`,
    ...ONLY_TID_LOOKUPS.map((setting) => `SET LOCAL ${setting} = off`),
    `/* snapshot-run chunk */ WITH w AS (
        INSERT INTO loan_snapshots (organization_id, loan_id, snapshot_date, ${STATE.join(', ')}, portfolio_entry)
        SELECT $1, id, $2::date, ${STATE.join(', ')}, NOT had OR portfolio_id IS DISTINCT FROM old_portfolio_id FROM run_changes ORDER BY id
        ${rerun ? `ON CONFLICT (organization_id, loan_id, snapshot_date) DO UPDATE SET ${SET_STATE}, ${KEEP_ENTRY}` : ''}
      ), moved AS (
        UPDATE loan_snapshot_heads h SET ${STATE.map((c) => `${c} = c.${c}`).join(', ')}
          FROM run_changes c WHERE h.ctid = c.head_ctid AND h.organization_id = $1 AND h.loan_id = c.id AND c.had
      ), fresh AS (
        INSERT INTO loan_snapshot_heads (loan_id, ${STATE.join(', ')})
        SELECT id, ${STATE.join(', ')} FROM run_changes WHERE NOT had ORDER BY id
      )
      ${moveHeadSumsSql('run_changes')}`,
    ...ONLY_TID_LOOKUPS.map((setting) => `SET LOCAL ${setting} TO DEFAULT`),
    // Every loan has a head now: the book's size without counting the loans.
    `SELECT coalesce(sum(loans), 0)::int AS n FROM loan_snapshot_head_sums WHERE organization_id = $1`,
  ];
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
      const { rows: seen } = await client.query<{ earlier: boolean; again: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM loan_snapshot_dates WHERE organization_id = $1 AND snapshot_date >= ${monthStartSql('$2')} AND snapshot_date < $2) AS earlier,
                EXISTS (SELECT 1 FROM loan_snapshot_dates WHERE organization_id = $1 AND snapshot_date = $2) AS again`,
        [org, date],
      );
      // The month's first observed date holds every loan (what later dates of the month build on); other dates only the changes.
      const keyframe = !seen[0].earlier;
      await client.query(RECORD_OBSERVED, [[date], 'run']);
      if (keyframe) {
        await client.query(`DELETE FROM loan_snapshots WHERE organization_id = $1 AND snapshot_date = $2`, [org, date]);
        // The keyframe compares every loan with its head: nothing is pending after it.
        await client.query(`DELETE FROM loan_snapshot_pending WHERE organization_id = $1`, [org]);
      }
      let written = 0;
      let total: number;
      if (keyframe) {
        const { rows: counted } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM loans WHERE organization_id = $1`, [org]);
        total = counted[0].n;
        await progress({ percent: 0, loans_written: 0, loans_total: total, portfolios_done: 0 });
        // Every loan, in chunks with progress after each; then the head sums counted afresh, so a
        // month never inherits a drift from the one before.
        const chunks = Math.min(MAX_CHUNKS, Math.max(1, Math.round(total / this.config.durable.snapshotChunkLoans)));
        for (const { lo, hi } of uuidRanges(chunks)) {
          const params: unknown[] = [org, date];
          const bounds = [lo && `>= $${params.push(lo)}`, hi && `< $${params.push(hi)}`].filter(Boolean);
          const range = (col: string) => bounds.map((b) => `AND ${col} ${b}::uuid`).join(' ');
          const chunk = await client.query<{ n: number }>(runChunkSql(range), params);
          written += chunk.rows[0].n;
          await progress({ percent: percentOf(written, total, 0, LOANS_SHARE), loans_written: written, loans_total: total, portfolios_done: 0 });
        }
        for (const s of REBUILD_HEAD_SUMS_SQL) await client.query(s, [org]);
      } else {
        // Only the changes; every loan is observed on the date all the same (unchanged ones by their earlier row).
        let last: { n: number }[] = [];
        for (const q of changesSql(seen[0].again)) last = (await client.query<{ n: number }>(q, paramsFor(q, [org, date]))).rows;
        written = total = last[0].n;
        await progress({ percent: LOANS_SHARE, loans_written: written, loans_total: total, portfolios_done: 0 });
      }
      // The head sums now hold every portfolio's loans on this date: the date's counts, and
      // portfolio snapshots that always agree with the loan snapshots, come from them.
      for (const s of COUNTS_FROM_SUMS_SQL) await client.query(s, [org, date]);
      const portfolios = await client.query(PORTFOLIO_SNAPSHOTS_FROM_SUMS_SQL, [org, date]);
      // The month's month-end moved. A keyframe compares every loan here; a later date's rows are
      // its changes, so its upkeep follows in its own job and every reader applies it first.
      let followUp: RecordedJob | undefined;
      if (keyframe) await afterRun(managerExec(m), org, date);
      else {
        await deferRun(managerExec(m), date);
        // Next in line (lifo), not behind every other organization's run of the day's fan-out.
        followUp = await this.producer.record(m, 'snapshots', 'month-ends', systemActor(org, meta.requestId), {}, { dedupKey: 'month-ends', jobOptions: { lifo: true } });
      }
      const result = { loan_snapshots: written, portfolio_snapshots: portfolios.rowCount ?? 0 };
      await recordAudit(m, systemActor(org, meta.requestId), {
        action: 'snapshot_run.complete', resourceType: 'snapshot_run', resourceId: date,
        details: { ...result, snapshot_date: date, requested_by: meta.actorSubject ?? 'schedule' },
      });
      await progress({ percent: 100, loans_written: written, loans_total: total, portfolios_done: result.portfolio_snapshots });
      return { result, followUp };
    }).then(async ({ result, followUp }) => {
      // Recorded with the run: if Redis refuses now, the reconciler adds it later.
      if (followUp) await this.producer.submit(followUp, { keepOnFailure: true }).catch(() => undefined);
      return result;
    });
  }

  /** The follow-up job of a run: its month-end upkeep (and any other deferred one). */
  catchUpMonthEnds(org: string): Promise<{ organization: string }> {
    return this.db.transaction(org, async (m) => {
      // What a read does first: nothing when no run is deferred and nothing is flagged.
      await ensureMonthEnds(managerExec(m), org);
      return { organization: org };
    });
  }
}
