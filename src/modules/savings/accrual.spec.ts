import { catchUp, dailyAccrual, daysInYear, isPaymentDate } from './accrual';
import { addMonths, leapDaysBetween } from './calendar';

const flat = (balance: string) => () => balance;

describe('dailyAccrual', () => {
  it('ACT/365F: 10 000 × 0.05 ÷ 365 = 1.369863013698… → 1.3698630137 (10 dp half-up)', () => {
    expect(dailyAccrual('10000', '0.05', 'ACT/365F', '2025-03-01').toFixed(10)).toBe('1.3698630137');
  });

  it('ACT/360: 10 000 × 0.05 ÷ 360 = 1.388888888888… → 1.3888888889', () => {
    expect(dailyAccrual('10000', '0.05', 'ACT/360', '2024-03-01').toFixed(10)).toBe('1.3888888889');
  });

  it('50 000 × 0.045 ÷ 365 = 6.164383561643… → 6.1643835616', () => {
    expect(dailyAccrual('50000', '0.045', 'ACT/365F', '2024-02-29').toFixed(10)).toBe('6.1643835616');
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

describe('ACT/ACT (ISDA)', () => {
  const actAct = { grossRate: '0.05', basis: 'ACT/ACT' as const, paidAt: 'annually' as const, openingDate: '2024-01-01', maturityDate: null };

  it('divides by the length of the day’s own year', () => {
    expect(daysInYear('ACT/ACT', '2024-02-29')).toBe(366);
    expect(daysInYear('ACT/ACT', '2024-12-31')).toBe(366);
    expect(daysInYear('ACT/ACT', '2025-01-01')).toBe(365);
    expect(daysInYear('ACT/ACT', '2100-06-01')).toBe(365); // divisible by 100, not by 400
    expect(daysInYear('ACT/ACT', '2000-06-01')).toBe(366); // divisible by 400
    // 10 000 × 0.05 ÷ 366 = 1.366120218579… → 1.3661202186; ÷ 365 = 1.369863013698… → 1.3698630137
    expect(dailyAccrual('10000', '0.05', 'ACT/ACT', '2024-02-29').toFixed(10)).toBe('1.3661202186');
    expect(dailyAccrual('10000', '0.05', 'ACT/ACT', '2025-02-28').toFixed(10)).toBe('1.3698630137');
  });

  it('across 29 February: 27, 28, 29 Feb and 1 Mar 2024 are 4 × 1.3661202186 = 5.4644808744', () => {
    const r = catchUp({ accruedUntil: '2024-02-27', accrued: '0' }, actAct, '2024-03-02', flat('10000'));
    expect(r).toMatchObject({ days: 4, accrued: '5.4644808744', accruedUntil: '2024-03-02' });
  });

  it('across a year end: 30 and 31 Dec 2024 ÷ 366, 1 Jan 2025 ÷ 365', () => {
    // 2 × 1.3661202186 + 1.3698630137 = 2.7322404372 + 1.3698630137 = 4.1021034509
    // (opened mid-June, so 1 January is no payment date)
    const r = catchUp({ accruedUntil: '2024-12-30', accrued: '0' }, { ...actAct, openingDate: '2024-06-15' }, '2025-01-02', flat('10000'));
    expect(r).toMatchObject({ days: 3, accrued: '4.1021034509' });
  });

  it('an annual payment on 1 Jan 2025 pays the 366 leap days rounded down', () => {
    // 2024-01-01 … 2024-12-31 = 366 × 1.3661202186 = 500.0000000076 → pays 500.00, carries 0.0000000076;
    // then 1 Jan 2025 accrues 1.3698630137 → 1.3698630213 accrued.
    const r = catchUp({ accruedUntil: '2024-01-01', accrued: '0' }, actAct, '2025-01-02', flat('10000'));
    expect(r.days).toBe(367);
    expect(r.paid.toFixed(2)).toBe('500.00');
    expect(r.accrued).toBe('1.3698630213');
  });
});

describe('leapDaysBetween', () => {
  it('counts the days of [from, to) in leap years', () => {
    expect(leapDaysBetween('2024-07-01', '2025-07-01')).toBe(184); // Jul 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 + Dec 31
    expect(leapDaysBetween('2023-12-31', '2024-01-02')).toBe(1); // 1 Jan 2024 only
    expect(leapDaysBetween('2024-02-28', '2024-03-01')).toBe(2); // 28 and 29 Feb
    expect(leapDaysBetween('2025-01-01', '2026-01-01')).toBe(0);
    expect(leapDaysBetween('2023-06-01', '2028-06-01')).toBe(366 + 152); // all of 2024, 1 Jan–31 May 2028
  });
});
