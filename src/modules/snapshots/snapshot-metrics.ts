import { Big, formatMoney, formatRate } from '../../common/money/decimal';
import { Bucket, bucketOf, DELINQUENCY_BUCKETS, isInDefault } from '../loans/loan-states';

/**
 * The §5 portfolio-snapshot metrics as plain functions on plain loan rows. The service computes
 * the same figures with one SQL aggregate; this file is the readable definition and the
 * reference the tests hold the SQL to.
 */

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

const ratio = (num: Big, den: Big): string | null => (den.eq(0) ? null : formatRate(num.div(den)));

export function computeSnapshotMetrics(loans: MetricLoan[]): SnapshotMetrics {
  let principal = new Big(0);
  let outstanding = new Big(0);
  let rateWeighted = new Big(0);
  let termWeighted = new Big(0);
  let delinquent = new Big(0);
  let defaulted = new Big(0);
  const byBucket = Object.fromEntries(DELINQUENCY_BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>;
  const byBalance = Object.fromEntries(DELINQUENCY_BUCKETS.map((b) => [b, new Big(0)])) as Record<Bucket, Big>;
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
    by_bucket_balance: Object.fromEntries(DELINQUENCY_BUCKETS.map((b) => [b, formatMoney(byBalance[b])])) as Record<Bucket, string>,
  };
}
