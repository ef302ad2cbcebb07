import { Big, formatMoney, formatRate } from '../../common/money/decimal';

/**
 * The §5 portfolio-snapshot metrics as plain functions on plain loan rows. The service computes
 * the same figures with one SQL aggregate; this file is the readable definition and the
 * reference the tests hold the SQL to.
 */

export const BUCKETS = ['current', 'dpd_1_29', 'dpd_30_59', 'dpd_60_89', 'dpd_90_119', 'dpd_120_plus'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface MetricLoan {
  original_principal: string;
  principal_balance: string;
  interest_rate: string;
  term_months: number;
  days_past_due: number;
  status: string;
}

export interface SnapshotMetrics {
  total_loans: number;
  total_principal: string;
  total_outstanding: string;
  weighted_average_rate: string | null;
  weighted_average_term: number | null;
  delinquency_rate: string | null;
  default_rate: string | null;
  by_bucket: Record<Bucket, number>;
  by_bucket_balance: Record<Bucket, string>;
}

export function bucketOf(daysPastDue: number): Bucket {
  if (daysPastDue === 0) return 'current';
  if (daysPastDue < 30) return 'dpd_1_29';
  if (daysPastDue < 60) return 'dpd_30_59';
  if (daysPastDue < 90) return 'dpd_60_89';
  if (daysPastDue < 120) return 'dpd_90_119';
  return 'dpd_120_plus';
}

/** §3: defaulted or charged off, or 120+ days past due. */
export const isInDefault = (l: Pick<MetricLoan, 'status' | 'days_past_due'>): boolean =>
  l.status === 'defaulted' || l.status === 'charged_off' || l.days_past_due >= 120;

const ratio = (num: Big, den: Big): string | null => (den.eq(0) ? null : formatRate(num.div(den)));

export function computeSnapshotMetrics(loans: MetricLoan[]): SnapshotMetrics {
  let principal = new Big(0);
  let outstanding = new Big(0);
  let rateWeighted = new Big(0);
  let termWeighted = new Big(0);
  let delinquent = new Big(0);
  let defaulted = new Big(0);
  const byBucket = Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>;
  const byBalance = Object.fromEntries(BUCKETS.map((b) => [b, new Big(0)])) as Record<Bucket, Big>;
  for (const l of loans) {
    const balance = new Big(l.principal_balance);
    principal = principal.plus(l.original_principal);
    outstanding = outstanding.plus(balance);
    rateWeighted = rateWeighted.plus(balance.times(l.interest_rate));
    termWeighted = termWeighted.plus(balance.times(l.term_months));
    const inDefault = isInDefault(l);
    if (l.days_past_due >= 30 && !inDefault) delinquent = delinquent.plus(balance);
    if (inDefault) defaulted = defaulted.plus(l.original_principal);
    const bucket = bucketOf(l.days_past_due);
    byBucket[bucket] += 1;
    byBalance[bucket] = byBalance[bucket].plus(balance);
  }
  return {
    total_loans: loans.length,
    total_principal: formatMoney(principal) as string,
    total_outstanding: formatMoney(outstanding) as string,
    weighted_average_rate: ratio(rateWeighted, outstanding),
    weighted_average_term: outstanding.eq(0) ? null : Number(termWeighted.div(outstanding).round(0, Big.roundHalfUp).toFixed(0)),
    delinquency_rate: ratio(delinquent, outstanding),
    default_rate: ratio(defaulted, principal),
    by_bucket: byBucket,
    by_bucket_balance: Object.fromEntries(BUCKETS.map((b) => [b, formatMoney(byBalance[b])])) as Record<Bucket, string>,
  };
}
