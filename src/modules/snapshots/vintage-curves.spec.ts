import { BOOK } from '../analytics/analytics-fixture';
import { computeVintages, CurvePoint, monthsOnBook, Vintage, VintageLoan, VintageSnapshot, vintageLabel } from './vintage-curves';

/** The §4 fields of each point (the §11 ones are checked on the BOOK cohort below). */
const core = (v: Vintage) => ({
  ...v,
  curve: v.curve.map(({ months_on_book, outstanding_ratio, dpd_30_plus_rate, cumulative_default_rate }: CurvePoint) =>
    ({ months_on_book, outstanding_ratio, dpd_30_plus_rate, cumulative_default_rate })),
});

/** A hand-worked cohort: A and B originate in January 2025, C in March 2025. */
const loans: VintageLoan[] = [
  { id: 'A', origination_date: '2025-01-10', original_principal: '10000.00', principal_balance: '8800.00', interest_rate: '0.1', term_months: 36, days_past_due: 35, status: 'active' },
  { id: 'B', origination_date: '2025-01-25', original_principal: '30000.00', principal_balance: '28500.00', interest_rate: '0.1', term_months: 36, days_past_due: 130, status: 'defaulted' },
  { id: 'C', origination_date: '2025-03-05', original_principal: '20000.00', principal_balance: '19000.00', interest_rate: '0.1', term_months: 36, days_past_due: 0, status: 'active' },
];
const snap = (loan_id: string, snapshot_date: string, principal_balance: string, days_past_due = 0, status = 'active'): VintageSnapshot =>
  ({ loan_id, snapshot_date, principal_balance, days_past_due, status });
const snapshots: VintageSnapshot[] = [
  snap('A', '2025-01-31', '10000.00'),
  snap('A', '2025-02-15', '9700.00'), // superseded by the month's last snapshot
  snap('A', '2025-02-28', '9500.00'),
  snap('A', '2025-03-31', '9000.00', 35),
  snap('A', '2025-04-30', '8800.00'), // cured
  snap('B', '2025-01-31', '30000.00'),
  snap('B', '2025-02-28', '29000.00', 40),
  snap('B', '2025-03-31', '28500.00', 125), // in default by days past due
  snap('C', '2025-03-31', '20000.00'),
  snap('C', '2025-04-30', '19000.00'),
];

describe('vintage curves', () => {
  it('labels cohorts and counts months on book by calendar month', () => {
    expect(vintageLabel('2026-01-31', 'month')).toBe('2026-01');
    expect(['2026-03-01', '2026-04-01', '2026-12-31'].map((d) => vintageLabel(d, 'quarter'))).toEqual(['2026-Q1', '2026-Q2', '2026-Q4']);
    expect(monthsOnBook('2025-01-31', '2025-02-01')).toBe(1);
    expect(monthsOnBook('2024-11-15', '2025-02-28')).toBe(3);
  });

  it('builds month cohorts from month-end snapshots', () => {
    const [jan, mar] = computeVintages(loans, snapshots, 'month').map(core);
    // P = 10000 + 30000 = 40000; today: outstanding 8800 + 28500
    expect(jan).toEqual({
      vintage: '2025-01',
      loan_count: 2,
      original_principal: '40000.00',
      outstanding: '37300.00',
      delinquency_rate: '0.235925', // A (35 dpd, not in default): 8800 / 37300 = 0.2359249…
      default_rate: '0.75', // B in default: 30000 / 40000
      curve: [
        { months_on_book: 0, outstanding_ratio: '1', dpd_30_plus_rate: '0', cumulative_default_rate: '0' }, // 40000 / 40000
        { months_on_book: 1, outstanding_ratio: '0.9625', dpd_30_plus_rate: '0.725', cumulative_default_rate: '0' }, // (9500 + 29000) / P; B 29000 / P
        // (9000 + 28500) / P; both 30+ (defaults included) 37500 / P; B first in default here: 30000 / P
        { months_on_book: 2, outstanding_ratio: '0.9375', dpd_30_plus_rate: '0.9375', cumulative_default_rate: '0.75' },
        // only A reports: 8800 / P; B's default stays counted
        { months_on_book: 3, outstanding_ratio: '0.22', dpd_30_plus_rate: '0', cumulative_default_rate: '0.75' },
      ],
    });
    expect(mar).toEqual({
      vintage: '2025-03', loan_count: 1, original_principal: '20000.00', outstanding: '19000.00',
      delinquency_rate: '0', default_rate: '0',
      curve: [
        { months_on_book: 0, outstanding_ratio: '1', dpd_30_plus_rate: '0', cumulative_default_rate: '0' },
        { months_on_book: 1, outstanding_ratio: '0.95', dpd_30_plus_rate: '0', cumulative_default_rate: '0' }, // 19000 / 20000
      ],
    });
  });

  it('aligns quarter cohorts by each loan’s own months on book', () => {
    const [q1] = computeVintages(loans, snapshots, 'quarter').map(core);
    // P = 60000; C's March snapshot is its month 0, beside A's and B's January ones
    expect(q1).toMatchObject({ vintage: '2025-Q1', loan_count: 3, original_principal: '60000.00', outstanding: '56300.00',
      delinquency_rate: '0.156306', // 8800 / 56300 = 0.1563055…
      default_rate: '0.5' }); // 30000 / 60000
    expect(q1.curve).toEqual([
      { months_on_book: 0, outstanding_ratio: '1', dpd_30_plus_rate: '0', cumulative_default_rate: '0' }, // (10000 + 30000 + 20000) / 60000
      { months_on_book: 1, outstanding_ratio: '0.958333', dpd_30_plus_rate: '0.483333', cumulative_default_rate: '0' }, // 57500 / P; 29000 / P
      { months_on_book: 2, outstanding_ratio: '0.625', dpd_30_plus_rate: '0.625', cumulative_default_rate: '0.5' }, // 37500 / P; 30000 / P
      { months_on_book: 3, outstanding_ratio: '0.146667', dpd_30_plus_rate: '0', cumulative_default_rate: '0.5' }, // 8800 / P
    ]);
  });

  it('gives a cohort without history an empty curve', () => {
    expect(computeVintages(loans.slice(2), [], 'month')[0].curve).toEqual([]);
  });

  describe('§11 figures (the hand-worked BOOK of analytics-fixture.ts: one January cohort, P = 4500)', () => {
    const bookLoans: VintageLoan[] = ['A', 'B', 'C', 'D'].map((id) => {
      const o = BOOK.find((b) => b.loan_id === id)!;
      return { id, origination_date: o.origination_date, original_principal: o.original_principal, principal_balance: '0.00',
        interest_rate: '0', term_months: 10, days_past_due: 0, status: 'active' };
    });
    const bookSnapshots: VintageSnapshot[] = BOOK.map((o) => ({
      loan_id: o.loan_id, snapshot_date: `${o.month}-28`, principal_balance: o.principal_balance, days_past_due: o.days_past_due,
      status: o.status, charged_off_amount: o.charged_off_amount, recovered_amount: o.recovered_amount,
    }));

    it('adds SMM, CPR, MDR, CDR, 60+/90+ and cumulative net loss to each point', () => {
      const [cohort] = computeVintages(bookLoans, bookSnapshots, 'month');
      expect(cohort.curve.map(({ months_on_book, smm, cpr, mdr, cdr, dpd_60_plus_rate, dpd_90_plus_rate, cumulative_net_loss_rate }) =>
        ({ months_on_book, smm, cpr, mdr, cdr, dpd_60_plus_rate, dpd_90_plus_rate, cumulative_net_loss_rate }))).toEqual([
        // Month 0: nothing observed before, so no SMM/MDR; C's 45 dpd is under 60
        { months_on_book: 0, smm: null, cpr: null, mdr: null, cdr: null, dpd_60_plus_rate: '0', dpd_90_plus_rate: '0', cumulative_net_loss_rate: '0' },
        // Month 1: the pool figures of February (pool-figures.spec): 1050 ÷ 2250, 2000 ÷ 4500; B's 2000 at 60 dpd ÷ P
        { months_on_book: 1, smm: '0.466667', cpr: '0.99947', mdr: '0.444444', cdr: '0.999136',
          dpd_60_plus_rate: '0.444444', dpd_90_plus_rate: '0', cumulative_net_loss_rate: '0' },
        // Month 2: 16.67 ÷ 1066.67; B charged off 2000, recovered 500: 1500 ÷ 4500
        { months_on_book: 2, smm: '0.015628', cpr: '0.172228', mdr: '0', cdr: '0',
          dpd_60_plus_rate: '0', dpd_90_plus_rate: '0', cumulative_net_loss_rate: '0.333333' },
        // Month 3: only A (paid off) is observed: nothing active, and B's loss is not in this month's observations
        { months_on_book: 3, smm: null, cpr: null, mdr: null, cdr: null, dpd_60_plus_rate: '0', dpd_90_plus_rate: '0', cumulative_net_loss_rate: '0' },
      ]);
      // B defaults in month 1: 2000 ÷ 4500 from then on
      expect(cohort.curve.map((p) => p.cumulative_default_rate)).toEqual(['0', '0.444444', '0.444444', '0.444444']);
    });

    it('keys points by calendar month with basis=calendar', () => {
      const [byMob] = computeVintages(bookLoans, bookSnapshots, 'month');
      const [byMonth] = computeVintages(bookLoans, bookSnapshots, 'month', 'calendar');
      expect(byMonth.curve.map((p) => p.month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04']);
      // One cohort month: calendar month m is months on book m − January, with the same figures
      expect(byMonth.curve.map(({ month: _, ...rest }) => rest)).toEqual(byMob.curve.map(({ months_on_book: _, ...rest }) => rest));
      expect(byMonth.curve[0].months_on_book).toBeUndefined();
    });
  });
});
