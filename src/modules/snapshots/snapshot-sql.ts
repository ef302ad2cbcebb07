// Read model: its statements read loans (owned by loans) and portfolios (owned by portfolios)
// beside this module's loan_snapshots; they write only this module's tables.
import { formatMoney, formatRate } from '../../common/money/decimal';
import type { GroupedInsert } from '../../database/grouped-insert';
import { Bucket, bucketSql, DELINQUENCY_BUCKETS } from '../loans/loan-states';
import { METRIC_PARTS, metricsFrom, partAggregate } from './metric-parts';
import { SnapshotMetrics } from './snapshot-metrics';

/**
 * The §5 metrics as one SQL aggregate (the same definitions as snapshot-metrics.ts), over a row
 * source aliased `s` with original_principal, principal_balance, interest_rate, term_months,
 * days_past_due and status. Both `loans` and `loan_snapshots` have those columns, so live and
 * past snapshots share it. Built from the additive parts (metric-parts.ts) the daily run keeps
 * as sums, so both give the same figures. Each stored metric column, and the aggregate that computes it.
 */
const PART_AGGREGATES = Object.fromEntries(METRIC_PARTS.map((p) => [p.name, partAggregate(p)]));
export const METRIC_EXPRS = metricsFrom((name) => PART_AGGREGATES[name]);

export const METRIC_COLUMNS = Object.keys(METRIC_EXPRS);
export const METRIC_SELECT = Object.values(METRIC_EXPRS).join(',\n  ');

export const METRIC_UPSERT = `ON CONFLICT (organization_id, portfolio_id, snapshot_date) DO UPDATE SET
  ${METRIC_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()`;

/** Loan snapshot columns written from `loans` (the source columns share the names). */
export const LOAN_SNAPSHOT_COLUMNS = `loan_id, portfolio_id, snapshot_date, original_principal, principal_balance,
  interest_rate, term_months, days_past_due, delinquency_bucket, status, next_payment_date, charged_off_amount, recovered_amount`;
export const LOAN_SNAPSHOT_FROM_LOANS = `id, portfolio_id, $2::date, original_principal, principal_balance,
  interest_rate, term_months, days_past_due, delinquency_bucket, status, next_payment_date, charged_off_amount, recovered_amount`;

/** The state columns besides loan and portfolio (a head has them all, plus portfolio_id). */
export const STATE_COLUMNS = ['original_principal', 'principal_balance', 'interest_rate', 'term_months', 'days_past_due',
  'delinquency_bucket', 'status', 'next_payment_date', 'charged_off_amount', 'recovered_amount'];

/**
 * Loan snapshots are versions (README, "Loan history"): within a month a loan has a row on the
 * month's first observed date and then only where its state changed; a null status says "not
 * in that date's observation". A loan's state on an observed date D is its latest row in
 * [first of D's month, D].
 */
export const monthStartSql = (d: string) => `date_trunc('month', ${d}::date)::date`;
export const nextMonthSql = (d: string) => `(date_trunc('month', ${d}::date) + interval '1 month')::date`;

/** Whether `d` was observed by organization `org` (SQL expressions). */
export const observedSql = (org: string, d: string) =>
  `EXISTS (SELECT 1 FROM loan_snapshot_dates od WHERE od.organization_id = ${org} AND od.snapshot_date = ${d}::date)`;

/** The state columns of loan snapshot row `a`, the bucket derived from days past due (the run stores none). */
const stateColumnsOf = (a: string) =>
  STATE_COLUMNS.map((c) => (c === 'delinquency_bucket' ? `${bucketSql(`${a}.days_past_due`)} AS delinquency_bucket` : `${a}.${c}`)).join(', ');

/**
 * Every loan's snapshot on date `d` as loan_snapshots rows (snapshot_date = d), for organization
 * `org`, within portfolio `portfolio` when given: empty unless `d` was observed.
 */
export function statesOnSql(org: string, d: string, portfolio?: string): string {
  const range = `s.organization_id = ${org} AND s.snapshot_date >= ${monthStartSql(d)} AND s.snapshot_date <= ${d}::date`;
  // A loan in the portfolio on d entered it by a row of the month up to d (an entry row, migration
  // 1764600000090): those loans are the candidates, each then at its latest row.
  const candidates = portfolio
    ? ` AND s.loan_id IN (SELECT y.loan_id FROM loan_snapshots y WHERE y.organization_id = ${org} AND y.portfolio_id = ${portfolio}
         AND y.portfolio_entry AND y.snapshot_date >= ${monthStartSql(d)} AND y.snapshot_date < ${nextMonthSql(d)})`
    : '';
  return `(SELECT v.organization_id, v.loan_id, v.portfolio_id, ${d}::date AS snapshot_date, ${stateColumnsOf('v')}
     FROM (SELECT DISTINCT ON (s.loan_id) s.* FROM loan_snapshots s WHERE ${range}${candidates} AND ${observedSql(org, d)}
            ORDER BY s.loan_id, s.snapshot_date DESC) v
    WHERE v.status IS NOT NULL${portfolio ? ` AND v.portfolio_id = ${portfolio}` : ''})`;
}

/**
 * Every loan's snapshot on each date of `dates` (a date[] expression), as statesOnSql gives it
 * for one. A month's first observed date holds a row for every loan it observed (no date before
 * it in the month has rows), so its states are its own rows, read by date without ordering
 * versions; a month-end tape import is all such dates. Later dates take each loan's latest row.
 */
export function statesOnDatesSql(org: string, dates: string): string {
  const first = (d: string) => `NOT EXISTS (SELECT 1 FROM loan_snapshot_dates e WHERE e.organization_id = ${org}
      AND e.snapshot_date >= ${monthStartSql(d)} AND e.snapshot_date < ${d})`;
  return `(SELECT s.organization_id, s.loan_id, s.portfolio_id, s.snapshot_date, ${stateColumnsOf('s')}
      FROM loan_snapshots s
     WHERE s.organization_id = ${org} AND s.status IS NOT NULL
       AND s.snapshot_date = ANY (ARRAY(SELECT d.d FROM unnest(${dates}) d(d) WHERE ${observedSql(org, 'd.d')} AND ${first('d.d')}))
    UNION ALL
    SELECT v.* FROM unnest(${dates}) d(d) CROSS JOIN LATERAL ${statesOnSql(org, 'd.d')} v WHERE NOT ${first('d.d')})`;
}

/**
 * Before RECOMPUTE_DATES: every active or sold portfolio's stored snapshot on the dates $2
 * (date[]) set to an empty portfolio's figures (what the daily run writes for one), so a
 * portfolio left with no loan on a date (its loans re-imported under another portfolio) stops
 * counting them; the recompute then replaces the figures of every portfolio that has loans there.
 */
const EMPTY = metricsFrom(() => '0');
export const EMPTY_ON_DATES_SQL = `UPDATE portfolio_snapshots ps SET ${METRIC_COLUMNS.map((c) => `${c} = ${EMPTY[c]}`).join(', ')}, updated_at = now()
    FROM portfolios p
   WHERE ps.organization_id = $1 AND ps.snapshot_date = ANY ($2::date[])
     AND p.organization_id = $1 AND p.id = ps.portfolio_id AND p.status IN ('active', 'sold')`;

/**
 * Every active or sold portfolio's snapshot on each of the dates $2 (date[]), from that day's
 * loan snapshots, created or replaced: what a history import's job (and the seed) runs.
 */
export const RECOMPUTE_DATES: GroupedInsert = {
  into: 'portfolio_snapshots',
  columns: ['portfolio_id', 'snapshot_date', ...METRIC_COLUMNS],
  select: `SELECT p.id, s.snapshot_date, ${METRIC_SELECT}
    FROM ${statesOnDatesSql('$1', '$2::date[]')} s
    JOIN portfolios p ON p.organization_id = s.organization_id AND p.id = s.portfolio_id
   WHERE p.organization_id = $1 AND p.status IN ('active', 'sold')
   GROUP BY p.id, s.snapshot_date`,
  onConflict: METRIC_UPSERT,
};

/** Deletes the kept per-portfolio loan counts of the dates $2 (date[]); RECOUNT_DATES writes what they answer now. */
export const UNCOUNT_DATES_SQL = `DELETE FROM loan_snapshot_counts WHERE organization_id = $1 AND snapshot_date = ANY($2::date[])`;
export const RECOUNT_DATES: GroupedInsert = {
  into: 'loan_snapshot_counts',
  columns: ['snapshot_date', 'portfolio_id', 'loans'],
  select: `SELECT s.snapshot_date, s.portfolio_id, count(*) FROM ${statesOnDatesSql('$1', '$2::date[]')} s GROUP BY 1, 2`,
};

/** Records that loan state on these dates was observed (§5), by a run or an import. */
export const RECORD_OBSERVED = `INSERT INTO loan_snapshot_dates (snapshot_date, source)
  SELECT d, $2 FROM unnest($1::date[]) d ON CONFLICT DO NOTHING`;

/** A stored portfolio snapshot: the §5 metrics, with the buckets as arrays in DELINQUENCY_BUCKETS order. */
export interface PortfolioSnapshotRow extends Omit<SnapshotMetrics, 'by_bucket' | 'by_bucket_balance'> {
  id: string;
  portfolio_id: string;
  snapshot_date: string;
  bucket_counts: number[];
  bucket_balances: string[];
}

export const PORTFOLIO_SNAPSHOT_COLUMNS = `id, portfolio_id, snapshot_date, total_loans, total_principal, total_outstanding,
  weighted_average_rate, weighted_average_term, delinquency_rate, default_rate, bucket_counts, bucket_balances::text[] AS bucket_balances`;

const byBucket = <T>(values: T[]) => Object.fromEntries(DELINQUENCY_BUCKETS.map((b, i) => [b, values[i]])) as Record<Bucket, T>;

/** The §5 wire shape. */
export function portfolioSnapshotView(r: PortfolioSnapshotRow) {
  return {
    id: r.id,
    portfolio_id: r.portfolio_id,
    snapshot_date: r.snapshot_date,
    total_loans: r.total_loans,
    total_principal: formatMoney(r.total_principal),
    total_outstanding: formatMoney(r.total_outstanding),
    weighted_average_rate: formatRate(r.weighted_average_rate),
    weighted_average_term: r.weighted_average_term,
    delinquency_rate: formatRate(r.delinquency_rate),
    default_rate: formatRate(r.default_rate),
    by_bucket: byBucket(r.bucket_counts),
    by_bucket_balance: byBucket(r.bucket_balances.map((v) => formatMoney(v) as string)),
  };
}
