/**
 * §3 loan states, once: the statuses, the delinquency buckets and the in-default rule. The
 * TypeScript predicates and the SQL fragments are both built from the constants below, so the
 * two cannot drift apart. (The loans table's generated columns, written in its migration, are
 * held to them by `test/e2e/loan-states.e2e-spec.ts`.)
 */

export const LOAN_STATUSES = ['active', 'defaulted', 'charged_off', 'paid_off'] as const;
export type LoanStatus = (typeof LOAN_STATUSES)[number];

export const DELINQUENCY_BUCKETS = ['current', 'dpd_1_29', 'dpd_30_59', 'dpd_60_89', 'dpd_90_119', 'dpd_120_plus'] as const;
export type Bucket = (typeof DELINQUENCY_BUCKETS)[number];

/** The first day past due in each bucket; a bucket ends the day before the next one starts. */
const FIRST_DAY: Record<Bucket, number> = { current: 0, dpd_1_29: 1, dpd_30_59: 30, dpd_60_89: 60, dpd_90_119: 90, dpd_120_plus: 120 };

/** In default: one of these statuses, or at least this many days past due. */
const DEFAULT_STATUSES: readonly LoanStatus[] = ['defaulted', 'charged_off'];
const DEFAULT_DAYS_PAST_DUE = 120;

export function bucketOf(daysPastDue: number): Bucket {
  let bucket: Bucket = DELINQUENCY_BUCKETS[0];
  for (const b of DELINQUENCY_BUCKETS) if (daysPastDue >= FIRST_DAY[b]) bucket = b;
  return bucket;
}

export const isInDefault = (l: { status: string; days_past_due: number }): boolean =>
  (DEFAULT_STATUSES as readonly string[]).includes(l.status) || l.days_past_due >= DEFAULT_DAYS_PAST_DUE;

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** `bucketOf` in SQL, for a days-past-due expression (rows that have no generated bucket column). */
export const bucketSql = (dpd: string): string => {
  const whens = DELINQUENCY_BUCKETS.slice(1).map((next, i) => `WHEN ${dpd} < ${FIRST_DAY[next]} THEN '${DELINQUENCY_BUCKETS[i]}'`);
  return `CASE ${whens.join(' ')} ELSE '${DELINQUENCY_BUCKETS[DELINQUENCY_BUCKETS.length - 1]}' END`;
};

/** A days-past-due expression lies in bucket `b`. */
export const inBucketSql = (dpd: string, b: Bucket): string => {
  const next = DELINQUENCY_BUCKETS[DELINQUENCY_BUCKETS.indexOf(b) + 1];
  return next === undefined ? `${dpd} >= ${FIRST_DAY[b]}` : `${dpd} BETWEEN ${FIRST_DAY[b]} AND ${FIRST_DAY[next] - 1}`;
};

/** `isInDefault` in SQL, for a row aliased `a` with status and days_past_due. */
export const inDefaultSql = (a: string): string =>
  `(${a}.status IN (${quoted(DEFAULT_STATUSES)}) OR ${a}.days_past_due >= ${DEFAULT_DAYS_PAST_DUE})`;
