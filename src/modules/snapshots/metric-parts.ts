import { DELINQUENCY_BUCKETS, inBucketSql, inDefaultSql } from '../loans/loan-states';

/**
 * The §5 metrics split into additive parts (sums and counts over loans), so the same figures come
 * from an aggregate over loan rows (past dates) or from parts kept by deltas (the daily run's
 * head sums). Each part is a row value summed under an optional filter, over a row source
 * aliased `s` with original_principal, principal_balance, interest_rate, term_months,
 * days_past_due and status.
 */
export interface MetricPart {
  name: string;
  value: string;
  where?: string;
}

const IN_DEFAULT = inDefaultSql('s');

export const METRIC_PARTS: MetricPart[] = [
  // A LEFT JOIN from an empty portfolio brings one all-null row: it counts nothing.
  { name: 'loans', value: '(s.original_principal IS NOT NULL)::int' },
  { name: 'original_principal', value: 's.original_principal' },
  { name: 'principal_balance', value: 's.principal_balance' },
  { name: 'rate_balance', value: 's.interest_rate * s.principal_balance' },
  { name: 'term_balance', value: 's.term_months * s.principal_balance' },
  { name: 'delinquent_balance', value: 's.principal_balance', where: `s.days_past_due >= 30 AND NOT ${IN_DEFAULT}` },
  { name: 'default_principal', value: 's.original_principal', where: IN_DEFAULT },
  ...DELINQUENCY_BUCKETS.flatMap((b, i) => [
    { name: `bucket_${i}_loans`, value: '(s.original_principal IS NOT NULL)::int', where: inBucketSql('s.days_past_due', b) },
    { name: `bucket_${i}_balance`, value: 's.principal_balance', where: inBucketSql('s.days_past_due', b) },
  ]),
];

export const PART_NAMES = METRIC_PARTS.map((p) => p.name);

/** A part as an aggregate over `s`, each row weighted by `sign` (an expression: 1, or ±1 for deltas). */
export const partAggregate = (p: MetricPart, sign = '1') =>
  `coalesce(sum(${sign === '1' ? p.value : `${sign} * ${p.value}`})${p.where ? ` FILTER (WHERE ${p.where})` : ''}, 0)`;

/**
 * A quotient of two parts. Parts kept by deltas can carry more decimal places than the same sum
 * taken directly (a loan that left still widened the scale), and numeric division picks its
 * precision from its operands' scales: trimmed, both ways divide exactly the same numbers.
 */
const ratio = (num: string, den: string) => `trim_scale(${num}) / nullif(trim_scale(${den}), 0)`;

/** Each stored metric column of portfolio_snapshots, from the parts (`part(name)` is an SQL expression). */
export function metricsFrom(part: (name: string) => string): Record<string, string> {
  const buckets = DELINQUENCY_BUCKETS.map((_, i) => i);
  return {
    total_loans: `${part('loans')}::int`,
    total_principal: part('original_principal'),
    total_outstanding: part('principal_balance'),
    weighted_average_rate: ratio(part('rate_balance'), part('principal_balance')),
    // numeric round() is half away from zero: half-up for these non-negative figures.
    weighted_average_term: `round(${ratio(part('term_balance'), part('principal_balance'))})::int`,
    delinquency_rate: ratio(part('delinquent_balance'), part('principal_balance')),
    default_rate: ratio(part('default_principal'), part('original_principal')),
    bucket_counts: `ARRAY[${buckets.map((i) => part(`bucket_${i}_loans`)).join(', ')}]::int[]`,
    bucket_balances: `ARRAY[${buckets.map((i) => part(`bucket_${i}_balance`)).join(', ')}]::numeric(20,2)[]`,
  };
}
