// Read model: statements over this module's loan_snapshot_heads, loan_snapshot_head_sums and
// loan_snapshot_pending; they read loans (owned by loans) and portfolios (owned by portfolios).
import { METRIC_PARTS, metricsFrom, PART_NAMES, partAggregate } from './metric-parts';
import { METRIC_COLUMNS, METRIC_UPSERT, STATE_COLUMNS } from './snapshot-sql';

/**
 * The daily run's work in proportion to what changed (issue 17.2):
 * - `loan_snapshot_pending`: loans written since the last run (a trigger on loans adds them), so a
 *   quiet day reads those loans, not the book;
 * - `loan_snapshot_head_sums`: the metric parts (metric-parts.ts) of the heads per portfolio, moved
 *   by each changed head's old and new contribution, so portfolio snapshots and the date's counts
 *   are a hundred rows of arithmetic instead of an aggregate over every loan.
 * Every statement takes $1 = the organization.
 */

/** What a head keeps and the run compares: the state, less the bucket (days past due decides it). */
export const HEAD_STATE = ['portfolio_id', ...STATE_COLUMNS.filter((c) => c !== 'delinquency_bucket')];

const SUM_KEY = '(organization_id, portfolio_id)';
const ADD_PARTS = `ON CONFLICT ${SUM_KEY} DO UPDATE SET ${PART_NAMES.map((n) => `${n} = loan_snapshot_head_sums.${n} + EXCLUDED.${n}`).join(', ')}`;

/** The head sums rebuilt from the heads (a keyframe, an import): one pass over them. */
export const REBUILD_HEAD_SUMS_SQL = [
  `DELETE FROM loan_snapshot_head_sums WHERE organization_id = $1`,
  `INSERT INTO loan_snapshot_head_sums (portfolio_id, ${PART_NAMES.join(', ')})
   SELECT s.portfolio_id, ${METRIC_PARTS.map((p) => partAggregate(p)).join(', ')}
     FROM loan_snapshot_heads s WHERE s.organization_id = $1 GROUP BY s.portfolio_id`,
];

/** The columns the parts read, and the head sums' key: what a changed head's old state must carry. */
export const SUMMED_STATE = ['portfolio_id', 'original_principal', 'principal_balance', 'interest_rate', 'term_months', 'days_past_due', 'status'];

/**
 * The head sums moved by the changed heads in `changed` (a relation with the new state's columns,
 * `had` and the old state as old_<column>): the old contribution out, the new one in. As a
 * data-modifying CTE body, so it runs in the statement that rewrites the heads.
 */
export function moveHeadSumsSql(changed: string): string {
  const state = SUMMED_STATE;
  return `INSERT INTO loan_snapshot_head_sums (portfolio_id, ${PART_NAMES.join(', ')})
    SELECT s.portfolio_id, ${METRIC_PARTS.map((p) => partAggregate(p, 's.sign')).join(', ')}
      FROM (SELECT 1 AS sign, ${state.map((c) => `x.${c}`).join(', ')} FROM ${changed} x
            UNION ALL SELECT -1, ${state.map((c) => `x.old_${c}`).join(', ')} FROM ${changed} x WHERE x.had) s
     GROUP BY s.portfolio_id
    ${ADD_PARTS}`;
}

/** Every active or sold portfolio's snapshot for $2 from the head sums (an empty portfolio has none: zeros). */
const FROM_SUMS = metricsFrom((name) => `coalesce(t.${name}, 0)`);
export const PORTFOLIO_SNAPSHOTS_FROM_SUMS_SQL = `INSERT INTO portfolio_snapshots (portfolio_id, snapshot_date, ${METRIC_COLUMNS.join(', ')})
  SELECT p.id, $2::date, ${METRIC_COLUMNS.map((c) => FROM_SUMS[c]).join(', ')}
    FROM portfolios p
    LEFT JOIN loan_snapshot_head_sums t ON t.organization_id = p.organization_id AND t.portfolio_id = p.id
   WHERE p.organization_id = $1 AND p.status IN ('active', 'sold')
  ${METRIC_UPSERT}`;

/** The date $2's loan counts per portfolio, from the head sums. */
export const COUNTS_FROM_SUMS_SQL = [
  `DELETE FROM loan_snapshot_counts WHERE organization_id = $1 AND snapshot_date = $2`,
  `INSERT INTO loan_snapshot_counts (snapshot_date, portfolio_id, loans)
   SELECT $2::date, portfolio_id, loans FROM loan_snapshot_head_sums WHERE organization_id = $1 AND loans > 0`,
];

/** Every loan of the organization (or those `scope` selects) to be compared with its head by the next run. */
export const markPendingSql = (scope?: string) =>
  `INSERT INTO loan_snapshot_pending (organization_id, loan_id, ${HEAD_STATE.join(', ')})
   SELECT organization_id, id, ${HEAD_STATE.join(', ')} FROM loans WHERE organization_id = $1 ${scope ? `AND id IN (${scope})` : ''}`;
