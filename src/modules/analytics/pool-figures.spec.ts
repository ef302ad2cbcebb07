import { BOOK } from './analytics-fixture';
import { performanceSeries } from './pool-figures';

describe('§11 pool figures (performance series)', () => {
  const [jan, feb, mar, apr] = performanceSeries(BOOK, '2024-11', '2025-06');

  it('has one point per month with a pool, oldest first (Nov, Dec, May, Jun are empty)', () => {
    expect(performanceSeries(BOOK, '2024-11', '2025-06').map((p) => p.month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04']);
  });

  it('a month with no loans at its start: stock figures, but no SMM/MDR', () => {
    expect(jan).toEqual({
      month: '2025-01', loan_count: 4,
      balance: '4500.00', // 1000 + 2000 + 1000 + 500
      pool_factor: '1', // 4500 ÷ 4500
      wac: '0', wala: '0.00', // every loan 0 months on book
      wam: '10.00', // 10 − 0
      smm: null, cpr: null, mdr: null, cdr: null, // no December observations
      dpd_30_plus_rate: '0.222222', // C 1000 ÷ 4500
      dpd_60_plus_rate: '0', dpd_90_plus_rate: '0',
      cumulative_gross_loss_rate: '0', cumulative_net_loss_rate: '0',
      severity: null, // nothing charged off
    });
  });

  it('a payoff, a mid-month default and a cure', () => {
    expect(feb).toEqual({
      month: '2025-02', loan_count: 4, // the paid-off A still counts, with balance 0
      balance: '3200.00', // 0 + 2000 + 800 + 400
      pool_factor: '0.711111', // 3200 ÷ 4500
      wac: '0', wala: '1.00', wam: '9.00',
      smm: '0.466667', // 1050 ÷ 2250 (loan-month.spec)
      cpr: '0.99947', // 1 − (8/15)^12 = 0.999470355…
      mdr: '0.444444', // 2000 ÷ 4500
      cdr: '0.999136', // 1 − (5/9)^12 = 0.999135569…
      dpd_30_plus_rate: '0.625', // B 2000 ÷ 3200 (defaults included)
      dpd_60_plus_rate: '0.625', dpd_90_plus_rate: '0',
      cumulative_gross_loss_rate: '0', cumulative_net_loss_rate: '0', severity: null,
    });
  });

  it('a charge-off with a recovery', () => {
    expect(mar).toEqual({
      month: '2025-03', loan_count: 4,
      balance: '1050.00', // 0 + 0 + 700 + 350
      pool_factor: '0.233333', // 1050 ÷ 4500
      wac: '0', wala: '2.00', wam: '8.00',
      // C: S = 800 ÷ 9 = 88.89, U = 800 − 88.89 − 700 = 11.11; D: S = 400 ÷ 9 = 44.44, U = 400 − 44.44 − 350 = 5.56
      smm: '0.015628', // 16.67 ÷ (711.11 + 355.56 = 1066.67) = 0.0156280761…
      cpr: '0.172228', // 1 − (1 − 0.0156280761…)^12 = 0.1722282141…
      mdr: '0', // 0 ÷ (800 + 400): A paid off and B in default at M−1 are not active
      cdr: '0',
      dpd_30_plus_rate: '0', dpd_60_plus_rate: '0', dpd_90_plus_rate: '0', // B is 150 dpd but has balance 0
      cumulative_gross_loss_rate: '0.444444', // 2000 ÷ 4500
      cumulative_net_loss_rate: '0.333333', // (2000 − 500) ÷ 4500
      severity: '0.75', // 1500 ÷ 2000
    });
  });

  it('a zero-balance pool: every ÷ Σ B is null', () => {
    expect(apr).toEqual({
      month: '2025-04', loan_count: 1, balance: '0.00',
      pool_factor: '0', // 0 ÷ 1000
      wac: null, wala: null, wam: null,
      smm: null, cpr: null, mdr: null, cdr: null, // A was paid off at M−1: nothing active
      dpd_30_plus_rate: null, dpd_60_plus_rate: null, dpd_90_plus_rate: null,
      cumulative_gross_loss_rate: '0', cumulative_net_loss_rate: '0', severity: null,
    });
  });
});
