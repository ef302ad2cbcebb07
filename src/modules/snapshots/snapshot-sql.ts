// Read model: its statements read loans (owned by loans) and portfolios (owned by portfolios)
// beside this module's loan_snapshots; they write only this module's tables.
import { formatMoney, formatRate } from '../../common/money/decimal';
import { Bucket, DELINQUENCY_BUCKETS, inBucketSql, inDefaultSql } from '../loans/loan-states';
import { SnapshotMetrics } from './snapshot-metrics';

const IN_DEFAULT = inDefaultSql('s');
const BUCKET_WHERE = DELINQUENCY_BUCKETS.map((b) => inBucketSql('s.days_past_due', b));
const OUTSTANDING = 'nullif(sum(s.principal_balance), 0)';

/**
 * The §5 metrics as one SQL aggregate (the same definitions as snapshot-metrics.ts), over a row
 * source aliased `s` with original_principal, principal_balance, interest_rate, term_months,
 * days_past_due and status. Both `loans` and `loan_snapshots` have those columns, so live and
 * past snapshots share it. `count(s.original_principal)` (never null) keeps a LEFT JOIN from
 * an empty portfolio at zero. Each stored metric column, and the aggregate that computes it.
 */
export const METRIC_EXPRS = {
  total_loans: 'count(s.original_principal)::int',
  total_principal: 'coalesce(sum(s.original_principal), 0)',
  total_outstanding: 'coalesce(sum(s.principal_balance), 0)',
  weighted_average_rate: `sum(s.interest_rate * s.principal_balance) / ${OUTSTANDING}`,
  // numeric round() is half away from zero: half-up for these non-negative figures.
  weighted_average_term: `round(sum(s.term_months * s.principal_balance) / ${OUTSTANDING})::int`,
  delinquency_rate: `coalesce(sum(s.principal_balance) FILTER (WHERE s.days_past_due >= 30 AND NOT ${IN_DEFAULT}), 0) / ${OUTSTANDING}`,
  default_rate: `coalesce(sum(s.original_principal) FILTER (WHERE ${IN_DEFAULT}), 0) / nullif(sum(s.original_principal), 0)`,
  bucket_counts: `ARRAY[${BUCKET_WHERE.map((w) => `count(s.original_principal) FILTER (WHERE ${w})`).join(', ')}]::int[]`,
  bucket_balances: `ARRAY[${BUCKET_WHERE.map((w) => `coalesce(sum(s.principal_balance) FILTER (WHERE ${w}), 0)`).join(', ')}]::numeric(20,2)[]`,
};

export const METRIC_COLUMNS = Object.keys(METRIC_EXPRS);
export const METRIC_SELECT = Object.values(METRIC_EXPRS).join(',\n  ');

export const METRIC_UPSERT = `ON CONFLICT (organization_id, portfolio_id, snapshot_date) DO UPDATE SET
  ${METRIC_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()`;

/** Loan snapshot columns written from `loans` (the source columns share the names). */
export const LOAN_SNAPSHOT_COLUMNS = `loan_id, portfolio_id, snapshot_date, original_principal, principal_balance,
  interest_rate, term_months, days_past_due, delinquency_bucket, status, next_payment_date, charged_off_amount, recovered_amount`;
export const LOAN_SNAPSHOT_FROM_LOANS = `id, portfolio_id, $2::date, original_principal, principal_balance,
  interest_rate, term_months, days_past_due, delinquency_bucket, status, next_payment_date, charged_off_amount, recovered_amount`;

/**
 * Every active or sold portfolio's snapshot on each of the dates $2 (date[]), from that day's
 * loan snapshots, created or replaced: what a history import's job (and the seed) runs.
 */
export const RECOMPUTE_DATES_SQL = `INSERT INTO portfolio_snapshots (portfolio_id, snapshot_date, ${METRIC_COLUMNS.join(', ')})
  SELECT p.id, s.snapshot_date, ${METRIC_SELECT}
    FROM portfolios p
    JOIN loan_snapshots s ON s.organization_id = p.organization_id AND s.portfolio_id = p.id AND s.snapshot_date = ANY($2::date[])
   WHERE p.organization_id = $1 AND p.status IN ('active', 'sold')
   GROUP BY p.id, s.snapshot_date
  ${METRIC_UPSERT}`;

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
