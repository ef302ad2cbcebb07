import { BOOK } from './analytics-fixture';
import { loanMonth, monthsOnBook, Observation, rates, scheduledPrincipal, addLoanMonth, emptyRateSums } from './loan-month';

const obs = (loan: string, month: string) => BOOK.find((o) => o.loan_id === loan && o.month === month) as Observation;
const money = (v: { toFixed: (dp: number) => string } | null) => (v === null ? null : v.toFixed(2));

describe('§11 per-loan month figures', () => {
  it('counts months on book from the origination month', () => {
    expect(monthsOnBook({ origination_date: '2025-01-31', month: '2025-03' })).toBe(2); // Jan → Mar
    expect(monthsOnBook({ origination_date: '2024-12-01', month: '2025-01' })).toBe(1);
  });

  describe('scheduled principal S', () => {
    const prev = { origination_date: '2025-01-15', month: '2025-01', term_months: 12, principal_balance: '1000.00', interest_rate: '0.12' };
    it('is the level-payment principal', () => {
      // j = 0.12 ÷ 12 = 0.01, n = 12 − 0 = 12; (1.01)^12 = 1.12682503…; P = 10 ÷ (1 − 1/1.12682503…) = 88.8487886783…
      // S = 88.8487886783 − 1000 × 0.01 = 78.8487886783 → 78.85
      expect(scheduledPrincipal(prev).toFixed(2)).toBe('78.85');
    });
    it('is B0 ÷ n at a zero rate, half-up to the cent', () => {
      // 1000 ÷ 3 = 333.333… → 333.33 (n = 12 − 9)
      expect(scheduledPrincipal({ ...prev, interest_rate: '0', month: '2025-10' }).toFixed(2)).toBe('333.33');
      // 1000.05 ÷ 2 = 500.025 → 500.03 (half-up)
      expect(scheduledPrincipal({ ...prev, interest_rate: '0', month: '2025-11', principal_balance: '1000.05' }).toFixed(2)).toBe('500.03');
    });
    it('is the whole balance when at most one month remains', () => {
      // n = max(12 − 11, 0) = 1 → S = B0; past maturity n = 0 → S = B0
      expect(scheduledPrincipal({ ...prev, month: '2025-12' }).toFixed(2)).toBe('1000.00');
      expect(scheduledPrincipal({ ...prev, month: '2027-01' }).toFixed(2)).toBe('1000.00');
    });
    it('is capped at B0', () => {
      // 0.01 ÷ 2 = 0.005 → 0.01 half-up, = B0; 0.02 ÷ 3 = 0.00667 → 0.01 ≤ 0.02
      expect(scheduledPrincipal({ ...prev, interest_rate: '0', month: '2025-11', principal_balance: '0.01' }).toFixed(2)).toBe('0.01');
      expect(scheduledPrincipal({ ...prev, interest_rate: '0', month: '2025-10', principal_balance: '0.02' }).toFixed(2)).toBe('0.01');
    });
  });

  it('a loan that pays off: all of B0 − S is unscheduled', () => {
    const m = loanMonth(obs('A', '2025-01'), obs('A', '2025-02'));
    // S = 1000 ÷ 10 = 100; U = max(1000 − 100 − 0, 0) = 900
    expect([m.active, m.newlyDefaulted, money(m.s), money(m.u)]).toEqual([true, false, '100.00', '900.00']);
    // Paid off at M−1: not active at the start of March
    expect(loanMonth(obs('A', '2025-02'), obs('A', '2025-03')).active).toBe(false);
  });

  it('a loan that defaults mid-month: newly defaulted, no U', () => {
    const m = loanMonth(obs('B', '2025-01'), obs('B', '2025-02'));
    expect([m.active, m.newlyDefaulted, money(m.b0), money(m.u)]).toEqual([true, true, '2000.00', null]);
    // In default at M−1: not active at the start of March, so never "newly" defaulted again
    expect(loanMonth(obs('B', '2025-02'), obs('B', '2025-03'))).toMatchObject({ active: false, newlyDefaulted: false });
  });

  it('a loan that cures: 45 dpd is not default, so it is active; U = max(1000 − 100 − 800, 0) = 100', () => {
    const m = loanMonth(obs('C', '2025-01'), obs('C', '2025-02'));
    expect([m.active, m.newlyDefaulted, money(m.s), money(m.u)]).toEqual([true, false, '100.00', '100.00']);
  });

  it('U is never negative: a balance above schedule gives 0', () => {
    const prev = obs('D', '2025-02');
    // S = 400 ÷ 9 = 44.44; 400 − 44.44 − 390 = −34.44 → 0
    const m = loanMonth(prev, { ...prev, month: '2025-03', principal_balance: '390.00' });
    expect([money(m.s), money(m.u)]).toEqual(['44.44', '0.00']);
  });

  it('a loan without an M−1 observation (or only an older one) is not active at the start', () => {
    expect(loanMonth(undefined, obs('A', '2025-01')).active).toBe(false);
    expect(loanMonth(obs('C', '2025-01'), obs('C', '2025-03')).active).toBe(false);
  });

  it('sums to SMM, CPR, MDR, CDR', () => {
    const feb = ['A', 'B', 'C', 'D'].reduce((s, k) => addLoanMonth(s, loanMonth(obs(k, '2025-01'), obs(k, '2025-02'))), emptyRateSums());
    const r = rates(feb);
    // D: S = 50, U = 500 − 50 − 400 = 50. Σ U = 900 + 100 + 50 = 1050; Σ(B0 − S) = 900 + 900 + 450 = 2250
    expect(r.smm?.toFixed(10)).toBe('0.4666666667'); // 1050 ÷ 2250 = 7/15
    expect(r.cpr?.toFixed(10)).toBe('0.9994703552'); // 1 − (8/15)^12 = 0.99947035517…
    // Σ B0 active = 1000 + 2000 + 1000 + 500 = 4500; newly defaulted B0 = 2000
    expect(r.mdr?.toFixed(10)).toBe('0.4444444444'); // 4/9
    expect(r.cdr?.toFixed(10)).toBe('0.9991355698'); // 1 − (5/9)^12 = 0.99913556978…
    expect(rates(emptyRateSums())).toEqual({ smm: null, cpr: null, mdr: null, cdr: null });
  });
});
