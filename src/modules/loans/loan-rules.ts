import type { FieldError } from '../../common/errors/domain-error';
import { Big } from '../../common/money/decimal';

const ZERO_RE = /^0*(\.0*)?$/;

/** True for "0", "0.00", "000.0" — a decimal string equal to zero (no float involved). */
export const isZeroDecimal = (v: string): boolean => v !== '' && v !== '.' && ZERO_RE.test(v);

/**
 * §3: a paid-off loan owes nothing and is not late. Violations are listed per field so the
 * caller can fix them; the API answers 422 (well-formed, but breaks a business rule).
 */
export function paidOffViolations(l: { status: string; principal_balance: string; days_past_due: number | string }): FieldError[] {
  if (l.status !== 'paid_off') return [];
  const out: FieldError[] = [];
  if (!isZeroDecimal(l.principal_balance)) {
    out.push({ field: 'principal_balance', message: 'must be 0 when status is paid_off' });
  }
  if (String(l.days_past_due) !== '0') out.push({ field: 'days_past_due', message: 'must be 0 when status is paid_off' });
  return out;
}

/** §11: recoveries never exceed what was charged off (both cumulative). */
export function lossViolations(l: { charged_off_amount: string; recovered_amount: string }): FieldError[] {
  if (new Big(l.recovered_amount).lte(l.charged_off_amount)) return [];
  return [{ field: 'recovered_amount', message: `must not exceed charged_off_amount (${l.charged_off_amount})` }];
}
