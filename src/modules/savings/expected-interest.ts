import { Big } from '../../common/money/decimal';
import { DayCountBasis, daysInYear } from './accrual';
import { daysBetween, leapDaysBetween } from './calendar';

/**
 * Fixed-term only: amount × grossRate × days(opening → maturity) ÷ days-in-year, half-up to
 * the penny. For ACT/ACT the days in leap years count 1/366 and the others 1/365, the sum of
 * each day's share; it is taken over one common denominator (365 × 366) so that the only
 * rounding is the final one. Other products have no expected interest (null).
 */
export function expectedInterest(
  amount: string,
  grossRate: string,
  openingDate: string,
  maturityDate: string | null,
  basis: DayCountBasis,
): Big | null {
  if (maturityDate === null) return null;
  const days = daysBetween(openingDate, maturityDate);
  const principal = new Big(amount).times(grossRate);
  if (basis !== 'ACT/ACT') {
    return principal.times(days).div(daysInYear(basis, openingDate)).round(2, Big.roundHalfUp);
  }
  const leap = leapDaysBetween(openingDate, maturityDate);
  const weighted = new Big(days - leap).times(366).plus(new Big(leap).times(365));
  return principal.times(weighted).div(365 * 366).round(2, Big.roundHalfUp);
}
