import { catchUp, dailyAccrual, isPaymentDate } from './accrual';
import { addMonths } from './calendar';

const flat = (balance: string) => () => balance;

describe('dailyAccrual', () => {
  it('ACT/365F: 10 000 × 0.05 ÷ 365 = 1.369863013698… → 1.3698630137 (10 dp half-up)', () => {
    expect(dailyAccrual('10000', '0.05', 'ACT/365F').toFixed(10)).toBe('1.3698630137');
  });

  it('ACT/360: 10 000 × 0.05 ÷ 360 = 1.388888888888… → 1.3888888889', () => {
    expect(dailyAccrual('10000', '0.05', 'ACT/360').toFixed(10)).toBe('1.3888888889');
  });

  it('50 000 × 0.045 ÷ 365 = 6.164383561643… → 6.1643835616', () => {
    expect(dailyAccrual('50000', '0.045', 'ACT/365F').toFixed(10)).toBe('6.1643835616');
  });
});

describe('isPaymentDate', () => {
  it('monthly on the opening day-of-month, clamped in short months', () => {
    expect(isPaymentDate('2025-01-15', '2025-02-15', 'monthly')).toBe(true);
    expect(isPaymentDate('2025-01-15', '2025-02-14', 'monthly')).toBe(false);
    expect(isPaymentDate('2025-01-15', '2025-01-15', 'monthly')).toBe(false); // opening day is no payment
    expect(isPaymentDate('2025-01-31', '2025-02-28', 'monthly')).toBe(true);
    expect(isPaymentDate('2025-01-31', '2025-03-31', 'monthly')).toBe(true);
    expect(isPaymentDate('2025-01-31', '2025-03-28', 'monthly')).toBe(false);
  });

  it('annually on each anniversary; a 29 February opening pays on 28 February', () => {
    expect(isPaymentDate('2024-02-29', '2025-02-28', 'annually')).toBe(true);
    expect(isPaymentDate('2024-06-01', '2025-06-01', 'annually')).toBe(true);
    expect(isPaymentDate('2024-06-01', '2024-07-01', 'annually')).toBe(false);
    expect(isPaymentDate('2024-06-01', '2025-06-01', 'maturity')).toBe(false);
  });

  it('addMonths clamps like Postgres date + interval', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-10-01', 12)).toBe('2026-10-01');
    expect(addMonths('2025-11-30', 3)).toBe('2026-02-28');
  });
});

describe('catchUp', () => {
  const instant = { grossRate: '0.05', basis: 'ACT/365F' as const, paidAt: 'annually' as const, openingDate: '2025-01-01', maturityDate: null };

  it('catches up 3 missed days: 3 × 1.3698630137 = 4.1095890411, nothing paid', () => {
    const r = catchUp({ accruedUntil: '2025-03-10', accrued: '0' }, instant, '2025-03-13', flat('10000'));
    expect(r).toMatchObject({ days: 3, accrued: '4.1095890411', accruedUntil: '2025-03-13', matured: false });
    expect(r.paid.toFixed(2)).toBe('0.00');
  });

  it('never accrues a day twice: a second run on the same business date changes nothing', () => {
    const first = catchUp({ accruedUntil: '2025-03-10', accrued: '0' }, instant, '2025-03-13', flat('10000'));
    const again = catchUp(first, instant, '2025-03-13', flat('10000'));
    expect(again).toMatchObject({ days: 0, accrued: '4.1095890411', accruedUntil: '2025-03-13' });
  });

  it('uses each day’s own balance: 1.3698630137 + 2 × 2.7397260274 = 6.8493150685', () => {
    const balance = (day: string) => (day < '2025-03-11' ? '10000' : '20000');
    const r = catchUp({ accruedUntil: '2025-03-10', accrued: '0' }, instant, '2025-03-13', balance);
    expect(r.accrued).toBe('6.8493150685');
  });

  it('leap year: 2024-02-28 and 2024-02-29 are two days, still ÷ 365 under ACT/365F = 2.7397260274', () => {
    const r = catchUp({ accruedUntil: '2024-02-28', accrued: '0' }, { ...instant, openingDate: '2024-01-01' }, '2024-03-01', flat('10000'));
    expect(r).toMatchObject({ days: 2, accrued: '2.7397260274' });
  });

  it('monthly payout rounds down to the penny and carries the fraction', () => {
    // Opened 15 Jan; the 15 Feb payment covers 15 Jan–14 Feb = 31 days:
    // 31 × 1.3698630137 = 42.4657534247 → pays 42.46, carries 0.0057534247.
    // Then 15–19 Feb = 5 days: 5 × 1.3698630137 = 6.8493150685; accrued 6.8550684932.
    const terms = { ...instant, paidAt: 'monthly' as const, openingDate: '2025-01-15' };
    const r = catchUp({ accruedUntil: '2025-01-15', accrued: '0' }, terms, '2025-02-20', flat('10000'));
    expect(r.days).toBe(36);
    expect(r.paid.toFixed(2)).toBe('42.46');
    expect(r.accrued).toBe('6.8550684932');
  });

  it('maturity: the final payment rounds half-up, nothing stays accrued, the account matures', () => {
    // Opened 31 Jan 2025 for one month → matures 28 Feb: 28 days × 1.3698630137 = 38.3561643836,
    // paid half-up 38.36 (rounding down would give 38.35). Monthly payments are due on
    // 28 Feb too, but maturity is the final payment and replaces it.
    const terms = { ...instant, paidAt: 'monthly' as const, openingDate: '2025-01-31', maturityDate: '2025-02-28' };
    const r = catchUp({ accruedUntil: '2025-01-31', accrued: '0' }, terms, '2025-03-05', flat('10000'));
    expect(r).toMatchObject({ days: 28, accrued: '0.0000000000', accruedUntil: '2025-02-28', matured: true });
    expect(r.paid.toFixed(2)).toBe('38.36');
  });

  it('ACT/360 maturity after 3 days: 3 × 1.3888888889 = 4.1666666667 → 4.17', () => {
    const terms = { grossRate: '0.05', basis: 'ACT/360' as const, paidAt: 'maturity' as const, openingDate: '2025-05-01', maturityDate: '2025-05-04' };
    const r = catchUp({ accruedUntil: '2025-05-01', accrued: '0' }, terms, '2025-05-04', flat('10000'));
    expect(r.paid.toFixed(2)).toBe('4.17');
    expect(r.matured).toBe(true);
  });
});
