import { computeSnapshotMetrics, MetricLoan } from './snapshot-metrics';

const loan = (p: Partial<MetricLoan>): MetricLoan => ({
  original_principal: '1000.00',
  principal_balance: '1000.00',
  interest_rate: '0.05',
  term_months: 12,
  days_past_due: 0,
  status: 'active',
  ...p,
});

describe('computeSnapshotMetrics', () => {
  it('computes every §5 metric for a mixed portfolio', () => {
    const m = computeSnapshotMetrics([
      loan({ original_principal: '10000.00', principal_balance: '8000.00', interest_rate: '0.06', term_months: 36 }),
      loan({ original_principal: '20000.00', principal_balance: '15000.00', interest_rate: '0.09', term_months: 60, days_past_due: 45 }),
      // 120+ dpd: in default although its status is still active
      loan({ original_principal: '5000.00', principal_balance: '4000.00', interest_rate: '0.12', term_months: 24, days_past_due: 130 }),
      // 30+ dpd but defaulted: counts toward default, not delinquency
      loan({ original_principal: '15000.00', principal_balance: '3000.00', interest_rate: '0.07', term_months: 48, days_past_due: 75, status: 'defaulted' }),
    ]);
    expect(m).toEqual({
      total_loans: 4,
      total_principal: '50000.00', // 10000 + 20000 + 5000 + 15000
      total_outstanding: '30000.00', // 8000 + 15000 + 4000 + 3000
      weighted_average_rate: '0.084', // (480 + 1350 + 480 + 210) / 30000 = 2520 / 30000
      weighted_average_term: 48, // (288000 + 900000 + 96000 + 144000) / 30000 = 47.6 → 48
      delinquency_rate: '0.5', // only the 45-dpd loan: 15000 / 30000
      default_rate: '0.4', // (5000 + 15000) / 50000
      by_bucket: { current: 1, dpd_1_29: 0, dpd_30_59: 1, dpd_60_89: 1, dpd_90_119: 0, dpd_120_plus: 1 },
      by_bucket_balance: {
        current: '8000.00', dpd_1_29: '0.00', dpd_30_59: '15000.00', dpd_60_89: '3000.00', dpd_90_119: '0.00', dpd_120_plus: '4000.00',
      },
    });
  });

  it('rounds rates half-up to 6 places and the term half-up to whole months', () => {
    const m = computeSnapshotMetrics([
      loan({ original_principal: '3000.00', principal_balance: '3000.00', interest_rate: '0.1', term_months: 12 }),
      loan({ original_principal: '3000.00', principal_balance: '3000.00', interest_rate: '0.2', term_months: 13 }),
      loan({ original_principal: '3000.00', principal_balance: '3000.00', interest_rate: '0.2', term_months: 13, days_past_due: 30 }),
    ]);
    expect(m.weighted_average_rate).toBe('0.166667'); // 1500 / 9000 = 0.1666666…
    expect(m.weighted_average_term).toBe(13); // 114000 / 9000 = 12.67
    expect(m.delinquency_rate).toBe('0.333333'); // 3000 / 9000
    expect(m.default_rate).toBe('0'); // no defaults: 0 / 9000, not null

    const half = computeSnapshotMetrics([
      loan({ principal_balance: '100.00', interest_rate: '0.1234565', term_months: 12 }),
      loan({ principal_balance: '100.00', interest_rate: '0.1234565', term_months: 13 }),
    ]);
    expect(half.weighted_average_rate).toBe('0.123457'); // exactly …4565 → half-up, not to even
    expect(half.weighted_average_term).toBe(13); // 2500 / 200 = 12.5 → 13
  });

  it('gives null balance-weighted rates when nothing is outstanding', () => {
    const m = computeSnapshotMetrics([
      loan({ original_principal: '2000.00', principal_balance: '0.00', status: 'paid_off' }),
      loan({ original_principal: '500.00', principal_balance: '0.00', status: 'paid_off' }),
    ]);
    expect(m).toMatchObject({
      total_loans: 2,
      total_principal: '2500.00',
      total_outstanding: '0.00',
      weighted_average_rate: null,
      weighted_average_term: null,
      delinquency_rate: null,
      default_rate: '0', // 0 / 2500
    });
    expect(m.by_bucket.current).toBe(2);
  });

  it('handles an all-defaulted portfolio', () => {
    const m = computeSnapshotMetrics([
      loan({ original_principal: '1000.00', principal_balance: '900.00', interest_rate: '0.05', term_months: 12, status: 'defaulted' }),
      loan({ original_principal: '3000.00', principal_balance: '2500.00', interest_rate: '0.10', term_months: 24, days_past_due: 200, status: 'charged_off' }),
    ]);
    expect(m).toMatchObject({
      total_outstanding: '3400.00',
      weighted_average_rate: '0.086765', // (45 + 250) / 3400 = 0.0867647…
      weighted_average_term: 21, // (10800 + 60000) / 3400 = 20.82
      delinquency_rate: '0', // both are in default, so neither is merely delinquent
      default_rate: '1', // (1000 + 3000) / 4000
      by_bucket: { current: 1, dpd_1_29: 0, dpd_30_59: 0, dpd_60_89: 0, dpd_90_119: 0, dpd_120_plus: 1 },
    });
    expect(m.by_bucket_balance.dpd_120_plus).toBe('2500.00');
  });

  it('gives zeros and nulls for an empty portfolio', () => {
    expect(computeSnapshotMetrics([])).toMatchObject({
      total_loans: 0, total_principal: '0.00', total_outstanding: '0.00',
      weighted_average_rate: null, weighted_average_term: null, delinquency_rate: null, default_rate: null,
    });
  });
});
