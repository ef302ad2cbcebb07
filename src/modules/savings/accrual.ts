import { Big } from '../../common/money/decimal';
import { addDays, addMonths, daysBetween, isLeapYear } from './calendar';

/**
 * Interest accrual, as plain functions. The accrual run does the same arithmetic set-based
 * in SQL on numeric (savings-runs.service.ts); these are the reference the tests pin down.
 */

export type DayCountBasis = 'ACT/365F' | 'ACT/360' | 'ACT/ACT';
export type InterestPaidAt = 'maturity' | 'monthly' | 'annually';

/**
 * The divisor for one day's interest. ACT/ACT (ISDA) divides a day by the length of the
 * calendar year it falls in, so a day in 2024 earns 1/366 and a day in 2025 earns 1/365.
 */
export function daysInYear(basis: DayCountBasis, day: string): number {
  if (basis === 'ACT/360') return 360;
  if (basis === 'ACT/365F') return 365;
  return isLeapYear(Number(day.slice(0, 4))) ? 366 : 365;
}

/** One day's interest: balance × grossRate ÷ days-in-year (of that day), kept at 10 decimals, half-up. */
export function dailyAccrual(balance: string, grossRate: string, basis: DayCountBasis, day: string): Big {
  return new Big(balance).times(grossRate).div(daysInYear(basis, day)).round(10, Big.roundHalfUp);
}

/**
 * Interest is paid on the opening day-of-month each month (clamped in short months) or on
 * each anniversary; maturity is always the final payment and is handled separately.
 */
export function isPaymentDate(opening: string, day: string, paidAt: InterestPaidAt): boolean {
  if (day <= opening || paidAt === 'maturity') return false;
  const [oy, om] = opening.split('-').map(Number);
  const [dy, dm] = day.split('-').map(Number);
  if (paidAt === 'monthly') return addMonths(opening, (dy - oy) * 12 + (dm - om)) === day;
  return addMonths(opening, (dy - oy) * 12) === day;
}

export interface AccrualState {
  /** First day not yet accrued. */
  accruedUntil: string;
  /** Interest accrued and not yet paid, 10 dp. */
  accrued: string;
}

export interface AccrualTerms {
  grossRate: string;
  basis: DayCountBasis;
  paidAt: InterestPaidAt;
  openingDate: string;
  maturityDate: string | null;
}

export interface AccrualResult extends AccrualState {
  days: number;
  /** Paid out by this run, 2 dp. */
  paid: Big;
  matured: boolean;
}

/**
 * Catches an account up to `businessDate` (days before it are complete): every day in
 * [accruedUntil, min(businessDate, maturity)) accrues at that day's balance; on each payment
 * date the accrued interest rounded DOWN to the penny is paid and the fraction carries on;
 * at maturity the final payment rounds half-up and nothing stays accrued.
 *
 * Paying floor(carried + accrued-so-far) at each date is the same as paying, in total,
 * floor(S) at the last date, where S is the running sum: the SQL relies on that identity.
 */
export function catchUp(
  state: AccrualState,
  terms: AccrualTerms,
  businessDate: string,
  balanceOn: (day: string) => string,
): AccrualResult {
  const maturing = terms.maturityDate !== null && terms.maturityDate <= businessDate;
  const upto = maturing ? (terms.maturityDate as string) : businessDate;
  let accrued = new Big(state.accrued);
  let paid = new Big(0);
  let days = 0;
  for (let day = state.accruedUntil; day < upto; day = addDays(day, 1)) {
    accrued = accrued.plus(dailyAccrual(balanceOn(day), terms.grossRate, terms.basis, day));
    days += 1;
    const next = addDays(day, 1);
    const beforeMaturity = terms.maturityDate === null || next < terms.maturityDate;
    if (beforeMaturity && isPaymentDate(terms.openingDate, next, terms.paidAt)) {
      const payout = accrued.round(2, Big.roundDown);
      paid = paid.plus(payout);
      accrued = accrued.minus(payout);
    }
  }
  if (maturing) {
    const payout = accrued.round(2, Big.roundHalfUp);
    paid = paid.plus(payout);
    accrued = new Big(0);
  }
  return {
    accruedUntil: upto > state.accruedUntil ? upto : state.accruedUntil,
    accrued: accrued.toFixed(10),
    paid,
    days,
    matured: maturing,
  };
}

export { addMonths, daysBetween };
