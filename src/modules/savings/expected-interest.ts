import { Big } from '../../common/money/decimal';
import { DayCountBasis, daysInYear } from './accrual';
import { daysBetween } from './calendar';

/**
 * Fixed-term only: amount × grossRate × days(opening → maturity) ÷ days-in-year, half-up to
 * the penny. Other products have no expected interest (null).
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
  return new Big(amount).times(grossRate).times(days).div(daysInYear(basis)).round(2, Big.roundHalfUp);
}
