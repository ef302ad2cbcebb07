import { paramsFor, type Sql } from '../../database/sql';
import { inDefaultSql } from '../loans/loan-states';
import { monthIndex } from './loan-month';
import {
  APPLY_MOVED_SQL, BUILD_SQL, COUNT_ALL_SQL, DEFERRED_DAY_SQL, DERIVE_SQL, DROP_EMPTY_SQL, firstDefaultsFromSql, firstDefaultsSql, movedSql,
  KEYS_OF_NEW_SQL, PAIRS_SQL, RECOUNT_MONTHS_SQL, RUN_CHANGED_SQL, runApplySql,
} from './month-end-sql';

/**
 * Keeping the month-end tables (month-end-sql.ts) equal to the loan snapshots and the loans:
 * the daily run and the history import bring them up to date in their own transactions, and a
 * read first applies any membership change a trigger on `loans` has flagged (or builds an
 * organization never built), so every answer reflects the data as committed when it started.
 * All of it runs under one advisory lock per organization.
 */

/** Runs one statement and returns its rows (an EntityManager, a pg client or a migration's runner). */
export type Exec = (sql: string, params?: unknown[]) => Promise<unknown[]>;

export const managerExec = (m: Sql): Exec => (sql, params) => m.rows(sql, params);

/** Above this many changed month-ends the run's statements hash-join instead of probing. */
const BULK_CHANGES = 250_000;

const LOCK = `SELECT pg_advisory_xact_lock(hashtextextended('analytics.' || $1, 0))`;

/** Runs statements in order, each given the parameters it refers to ($1 … $n). */
async function each(x: Exec, statements: string[], params: unknown[]): Promise<void> {
  for (const s of statements) await x(s, paramsFor(s, params));
}

async function state(x: Exec, org: string): Promise<{ built: boolean; changed: boolean; pending: boolean }> {
  const [st] = (await x(
    `SELECT EXISTS (SELECT 1 FROM analytics_state WHERE organization_id = $1) AS built,
            EXISTS (SELECT 1 FROM analytics_loan_changes WHERE organization_id = $1) AS changed,
            EXISTS (SELECT 1 FROM analytics_pending_runs WHERE organization_id = $1) AS pending`,
    [org],
  )) as { built: boolean; changed: boolean; pending: boolean }[];
  return st;
}

/** Every month-end of the organization from its loan snapshots, replacing what was there. */
export async function buildMonthEnds(x: Exec, org: string): Promise<void> {
  await x(LOCK, [org]);
  // The one sort over every snapshot: in fewer, larger runs than work_mem's default gives (this transaction only).
  await x(`SET LOCAL work_mem = '256MB'`);
  await x(`DELETE FROM analytics_loan_changes WHERE organization_id = $1`, [org]);
  // Built from every snapshot: a run's upkeep still to do is in it.
  await x(`DELETE FROM analytics_pending_runs WHERE organization_id = $1`, [org]);
  // Every statement reads the whole organization. Its rows were written in this transaction, so
  // the statistics may not know it (another organization's, or none): planned as "one row", a
  // nested loop would scan all of its rows once per row.
  await x(`SET LOCAL enable_nestloop = off`);
  await each(x, [...BUILD_SQL, firstDefaultsSql(), ...COUNT_ALL_SQL], [org]);
  await x(`SET LOCAL enable_nestloop TO DEFAULT`);
  await x(
    `INSERT INTO analytics_state (organization_id) VALUES ($1) ON CONFLICT (organization_id) DO UPDATE SET built_at = now()`,
    [org],
  );
}

/** Moves the sums of every loan (of those `scope` selects) whose portfolio, origination month or principal changed. */
async function syncMembership(x: Exec, org: string, scope?: string): Promise<void> {
  // A flag committed after this statement stays for the next read: its change may not be visible yet.
  if (!scope) await x(`DELETE FROM analytics_loan_changes WHERE organization_id = $1`, [org]);
  await each(x, movedSql(scope), [org]);
  const [{ n }] = (await x(`SELECT count(*)::int AS n FROM analytics_moved`)) as { n: number }[];
  if (n > 0) {
    await x(`ANALYZE analytics_moved`);
    await each(x, [...APPLY_MOVED_SQL, ...DROP_EMPTY_SQL], [org]);
  }
  await x(`DROP TABLE analytics_moved`);
}

/**
 * Locks, then builds the organization if it never was (true) or applies membership changes
 * (false): flagged ones only when `onlyIfFlagged`, else a full comparison of keys and loans.
 */
async function prepare(x: Exec, org: string, onlyIfFlagged = false): Promise<boolean> {
  await x(LOCK, [org]);
  // Compiling these plans takes longer than running them (this transaction only).
  await x(`SET LOCAL jit = off`);
  const st = await state(x, org);
  if (!st.built) {
    await buildMonthEnds(x, org);
    return true;
  }
  // A reader that waited for the lock finds the changes applied by the one before it.
  if (st.changed || !onlyIfFlagged) await syncMembership(x, org);
  if (st.pending) await applyPendingRuns(x, org);
  return false;
}

/**
 * Before a read: a no-op unless a membership change is flagged, a run's upkeep is still to do
 * (its follow-up job has not got there yet), or the organization was never built.
 */
export async function ensureMonthEnds(x: Exec, org: string): Promise<void> {
  const st = await state(x, org);
  if (st.built && !st.changed && !st.pending) return;
  await prepare(x, org, true);
}

/**
 * The daily run of a date that is not its month's first (only the changed loans have rows on
 * it) leaves its month-end upkeep to follow: recorded here in the run's transaction, applied by
 * the run's follow-up job (through ensureMonthEnds) or by whatever touches the month-ends first.
 */
export async function deferRun(x: Exec, date: string): Promise<void> {
  await x(`INSERT INTO analytics_pending_runs (snapshot_date) VALUES ($1::date) ON CONFLICT DO NOTHING`, [date]);
}

/**
 * Every deferred run, oldest first (the lock is held): a deferred date's rows are exactly its
 * changed loans, in the state the run wrote, so they are that day's changes. A date rerun after
 * its upkeep is applied again whole, which rewrites the unchanged month-ends as they were.
 */
async function applyPendingRuns(x: Exec, org: string): Promise<void> {
  const taken = (await x(`DELETE FROM analytics_pending_runs WHERE organization_id = $1 RETURNING snapshot_date::text AS d`, [org])) as { d: string }[];
  // Hash joins over the month's rows: in memory, not in spill files (this transaction only).
  await x(`SET LOCAL work_mem = '256MB'`);
  for (const { d } of taken.sort((a, b) => a.d.localeCompare(b.d))) {
    await x(DEFERRED_DAY_SQL, [org, d, monthIndex(d)]);
    await applyRun(x, org, d, true, false);
  }
}

/**
 * After the month's first run wrote every loan's snapshot for `date` (in the same transaction):
 * the date's snapshots are compared with the stored month-ends, and the loans whose month-end
 * changed have their contributions subtracted, their rows rewritten and added again. Later runs
 * of the month defer theirs (deferRun), applied here first.
 */
export async function afterRun(x: Exec, org: string, date: string): Promise<void> {
  await x(LOCK, [org]);
  await x(`SET LOCAL jit = off`);
  const st = await state(x, org);
  if (!st.built) return buildMonthEnds(x, org);
  // Deferred runs are earlier dates: theirs first, as their months are this one's M−1 or M.
  if (st.pending) await applyPendingRuns(x, org);
  await applyRun(x, org, date, false, st.changed);
}

/**
 * One run's upkeep. `deferred`: analytics_changed holds the date's changed loans already
 * (DEFERRED_DAY_SQL); otherwise every loan's snapshot on the date is compared with its month-end.
 */
async function applyRun(x: Exec, org: string, date: string, deferred: boolean, flagged: boolean): Promise<void> {
  const mi = monthIndex(date);
  // The keys first, since the changed rows carry them. A flagged change (a transfer, a new
  // origination date, a principal) may touch any loan, and a keyframe writes every loan: all are
  // compared. Otherwise only a loan new to the month-ends can lack its keys.
  if (flagged || !deferred) await syncMembership(x, org);
  else await syncMembership(x, org, `SELECT loan_id FROM analytics_changed WHERE cohort_month IS NULL`);
  if (deferred) {
    await each(x, KEYS_OF_NEW_SQL, [org]);
  } else {
    // Today's partition has no statistics yet (it was written in this transaction, and only its
    // owner may ANALYZE it): a nested loop over "27 rows" would probe a million times.
    await x(`SET LOCAL enable_nestloop = off`);
    await x(RUN_CHANGED_SQL, [org, date, mi]);
    await x(`SET LOCAL enable_nestloop = on`);
  }
  await x(`ANALYZE analytics_changed`);
  const [{ n }] = (await x(`SELECT count(*)::int AS n FROM analytics_changed`)) as { n: number }[];
  if (n > 0) {
    // Many changes: one pass over months M and M−1 beats as many index probes, cold.
    const bulk = n > BULK_CHANGES;
    if (bulk) await x(`SET LOCAL enable_nestloop = off`);
    // Every path derives the rows it marks before it commits, so no other row of M is stale here.
    // A keyframe (not deferred) compares every loan, and on a month's first run every one is new to M.
    await x(runApplySql(bulk || !deferred), [org, mi]);
    // A few thousand candidates at most: probes by key, not a hash over every loan's keys.
    await x(`SET LOCAL random_page_cost = 1.1`);
    // A first default can only have moved for a loan whose month-end M changed: one now in
    // default at M, or whose first default was M.
    await x(firstDefaultsFromSql(`SELECT loan_id FROM analytics_changed c WHERE ${inDefaultSql('c')} OR c.first_default_mi = $2::int`), [org, mi]);
    await x(`SET LOCAL enable_nestloop = on`);
    await x(`SET LOCAL random_page_cost TO DEFAULT`);
  }
  await each(x, DROP_EMPTY_SQL, [org]);
  await x(`DROP TABLE analytics_changed`);
}

/**
 * After a history import wrote the rows staged in `stage` (loan_number, snapshot_date): their
 * months are re-read, those months and the next re-derived, and the months' sums recounted.
 */
export async function afterHistoryImport(x: Exec, org: string, stage: string): Promise<void> {
  await x(LOCK, [org]);
  await x(`SET LOCAL jit = off`);
  // Never built: built now, from every snapshot (its first import needs nothing else).
  if (!(await state(x, org)).built) return buildMonthEnds(x, org);
  await x(
    `CREATE TEMP TABLE analytics_pairs ON COMMIT DROP AS
     SELECT DISTINCT l.id AS loan_id, (extract(year FROM s.snapshot_date)::int * 12 + extract(month FROM s.snapshot_date)::int - 1) AS mi
       FROM ${stage} s JOIN loans l ON l.organization_id = $1 AND l.loan_number = s.loan_number`,
    [org],
  );
  await x(`ANALYZE analytics_pairs`);
  const [{ months, pairs }] = (await x(`SELECT coalesce(array_agg(DISTINCT mi), '{}') AS months, count(*)::int AS pairs FROM analytics_pairs`)) as { months: number[]; pairs: number }[];
  // More pairs than stored month-ends (a first import of years of history): building it all
  // writes each row once, where re-reading the pairs writes it and then derives it again.
  const [{ stored }] = (await x(`SELECT count(*)::int AS stored FROM (SELECT 1 FROM loan_month_ends WHERE organization_id = $1 LIMIT $2) e`, [org, pairs])) as { stored: number }[];
  // Decided before any other upkeep: a build replaces what syncing the keys or applying deferred
  // runs would do first (a comparison of every loan's keys, seconds at a million loans).
  if (pairs > 0 && stored < pairs) {
    await x(`DROP TABLE analytics_pairs`);
    return buildMonthEnds(x, org);
  }
  await prepare(x, org);
  if (months.length) {
    await each(x, [...PAIRS_SQL, DERIVE_SQL], [org]);
    await x(firstDefaultsFromSql(`SELECT loan_id FROM analytics_pairs`), [org, Math.min(...months)]);
    const recount = [...new Set(months.flatMap((mi) => [mi, mi + 1]))];
    await each(x, RECOUNT_MONTHS_SQL, [org, recount]);
    await each(x, DROP_EMPTY_SQL, [org]);
  }
  await x(`DROP TABLE analytics_pairs`);
}
