import { bucketOf, bucketSql, DELINQUENCY_BUCKETS, inBucketSql, inDefaultSql, isInDefault } from './loan-states';

describe('loan states (§3)', () => {
  it('buckets days past due at the §3 boundaries', () => {
    expect([0, 1, 29, 30, 59, 60, 89, 90, 119, 120, 400].map(bucketOf)).toEqual([
      'current', 'dpd_1_29', 'dpd_1_29', 'dpd_30_59', 'dpd_30_59', 'dpd_60_89', 'dpd_60_89', 'dpd_90_119', 'dpd_90_119', 'dpd_120_plus', 'dpd_120_plus',
    ]);
  });

  it('writes the same buckets as one SQL CASE', () => {
    expect(bucketSql('s.dpd')).toBe(
      "CASE WHEN s.dpd < 1 THEN 'current' WHEN s.dpd < 30 THEN 'dpd_1_29' WHEN s.dpd < 60 THEN 'dpd_30_59' " +
        "WHEN s.dpd < 90 THEN 'dpd_60_89' WHEN s.dpd < 120 THEN 'dpd_90_119' ELSE 'dpd_120_plus' END",
    );
  });

  it('gives each bucket the range bucketOf puts in it', () => {
    expect(DELINQUENCY_BUCKETS.map((b) => inBucketSql('d', b))).toEqual([
      'd BETWEEN 0 AND 0', 'd BETWEEN 1 AND 29', 'd BETWEEN 30 AND 59', 'd BETWEEN 60 AND 89', 'd BETWEEN 90 AND 119', 'd >= 120',
    ]);
  });

  it('is in default when defaulted, charged off or 120+ days past due', () => {
    const at = (status: string, days_past_due: number) => isInDefault({ status, days_past_due });
    expect([at('active', 119), at('active', 120), at('defaulted', 0), at('charged_off', 0), at('paid_off', 0)]).toEqual([
      false, true, true, true, false,
    ]);
    expect(inDefaultSql('o')).toBe("(o.status IN ('defaulted', 'charged_off') OR o.days_past_due >= 120)");
  });
});
