import type { Observation } from './loan-month';

/**
 * A hand-worked book for the §11 unit tests: four loans originated in January 2025, all at 0 %
 * with 10-month terms (so S = B0 ÷ n), watched over four month-ends.
 *   A 1000: pays off in February (still observed, balance 0, in March and April).
 *   B 2000: defaults mid-February (dpd 60, status defaulted), charged off in March (2000, 500 recovered).
 *   C 1000: 45 dpd in January, cured in February.
 *   D  500: amortises, prepaying a little.
 */
const loan = (loan_id: string, original_principal: string) => (month: string, principal_balance: string, more: Partial<Observation> = {}): Observation => ({
  loan_id, month, origination_date: '2025-01-05', original_principal, principal_balance, interest_rate: '0', term_months: 10,
  days_past_due: 0, status: 'active', charged_off_amount: '0.00', recovered_amount: '0.00', ...more,
});
const A = loan('A', '1000.00');
const B = loan('B', '2000.00');
const C = loan('C', '1000.00');
const D = loan('D', '500.00');

export const BOOK: Observation[] = [
  A('2025-01', '1000.00'), B('2025-01', '2000.00'), C('2025-01', '1000.00', { days_past_due: 45 }), D('2025-01', '500.00'),
  A('2025-02', '0.00', { status: 'paid_off' }), B('2025-02', '2000.00', { status: 'defaulted', days_past_due: 60 }),
  C('2025-02', '800.00'), D('2025-02', '400.00'),
  A('2025-03', '0.00', { status: 'paid_off' }),
  B('2025-03', '0.00', { status: 'charged_off', days_past_due: 150, charged_off_amount: '2000.00', recovered_amount: '500.00' }),
  C('2025-03', '700.00'), D('2025-03', '350.00'),
  A('2025-04', '0.00', { status: 'paid_off' }),
];
