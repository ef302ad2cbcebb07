import { isZeroDecimal, paidOffViolations } from './loan-rules';

describe('loan rules', () => {
  it('recognises zero written any way', () => {
    expect(['0', '0.00', '000.0', '0.'].every(isZeroDecimal)).toBe(true);
    expect(['0.01', '10', '', '.', '1.00'].some(isZeroDecimal)).toBe(false);
  });

  it('requires a paid-off loan to have balance 0 and dpd 0', () => {
    expect(paidOffViolations({ status: 'paid_off', principal_balance: '0.00', days_past_due: 0 })).toEqual([]);
    expect(paidOffViolations({ status: 'paid_off', principal_balance: '0.01', days_past_due: 3 })).toEqual([
      { field: 'principal_balance', message: 'must be 0 when status is paid_off' },
      { field: 'days_past_due', message: 'must be 0 when status is paid_off' },
    ]);
    // Only paid_off carries the rule: an active loan may owe and be late.
    expect(paidOffViolations({ status: 'active', principal_balance: '500.00', days_past_due: 45 })).toEqual([]);
  });
});
