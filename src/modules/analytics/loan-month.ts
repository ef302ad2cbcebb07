import type { MetricLoan } from '../snapshots/snapshot-metrics';
import { isInDefault } from '../loans/loan-states';
import { annualised, Exact, ONE, powRounded, ZERO } from './exact';

/**
 * §11 per-loan month figures as plain functions: the readable definition and the reference
 * the analytics SQL (analytics-sql.ts) is held to.
 */

/** A loan's month-end observation: its last loan snapshot dated in calendar month `month`. */
export interface Observation extends MetricLoan {
  loan_id: string;
  /** YYYY-MM */
  month: string;
  origination_date: string;
  charged_off_amount: string;
  recovered_amount: string;
}

/** year × 12 + month − 1 of a YYYY-MM or YYYY-MM-DD text. */
export const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

export const monthLabel = (index: number) => {
  const y = Math.floor(index / 12);
  return `${String(y).padStart(4, '0')}-${String(index - y * 12 + 1).padStart(2, '0')}`;
};

/** Whole months from the origination month to `month` (§4, §7). */
export const monthsOnBook = (o: Pick<Observation, 'origination_date' | 'month'>) => monthIndex(o.month) - monthIndex(o.origination_date);

export const remainingTerm = (o: Pick<Observation, 'origination_date' | 'month' | 'term_months'>) => Math.max(o.term_months - monthsOnBook(o), 0);

/**
 * §11 scheduled principal S from the M−1 observation: the level-payment principal of a loan of
 * balance B0, monthly rate j and n remaining months; rounded half-up to the cent, capped at B0.
 */
export function scheduledPrincipal(prev: Pick<Observation, 'origination_date' | 'month' | 'term_months' | 'principal_balance' | 'interest_rate'>): Exact {
  const b0 = new Exact(prev.principal_balance);
  const n = remainingTerm(prev);
  if (n <= 1) return b0;
  const j = new Exact(prev.interest_rate).div(12);
  let s: Exact;
  if (j.eq(0)) {
    s = b0.div(n);
  } else {
    // (1 + j)^−n = 1 ÷ (1 + j)^n
    const discount = ONE.div(powRounded(ONE.plus(j), n));
    const payment = b0.times(j).div(ONE.minus(discount));
    s = payment.minus(b0.times(j));
  }
  s = s.round(2, Exact.roundHalfUp);
  return s.gt(b0) ? b0 : s;
}

export interface LoanMonth {
  /** Active at the start of M: observed in M−1 and M; at M−1 balance > 0, not in default, not paid off. */
  active: boolean;
  newlyDefaulted: boolean;
  b0: Exact;
  b1: Exact;
  /** Scheduled principal; only for loans active at the start. */
  s: Exact | null;
  /** Unscheduled principal; only for loans active at the start and not newly defaulted. */
  u: Exact | null;
}

/** The month-M figures of one loan, from its M−1 observation (if any) and its M observation. */
export function loanMonth(prev: Observation | undefined, cur: Observation): LoanMonth {
  const b1 = new Exact(cur.principal_balance);
  const adjacent = prev !== undefined && monthIndex(prev.month) === monthIndex(cur.month) - 1;
  const b0 = adjacent ? new Exact(prev.principal_balance) : ZERO;
  const active = adjacent && b0.gt(0) && !isInDefault(prev) && prev.status !== 'paid_off';
  if (!active) return { active, newlyDefaulted: false, b0, b1, s: null, u: null };
  const s = scheduledPrincipal(prev);
  const newlyDefaulted = isInDefault(cur);
  if (newlyDefaulted) return { active, newlyDefaulted, b0, b1, s, u: null };
  const u = b0.minus(s).minus(b1);
  return { active, newlyDefaulted, b0, b1, s, u: u.gt(0) ? u : ZERO };
}

/** Σ over loan months of what SMM and MDR need. */
export interface RateSums {
  /** Σ U, over active and not newly defaulted */
  unscheduled: Exact;
  /** Σ (B0 − S), over active and not newly defaulted */
  expected: Exact;
  /** Σ B0 of newly defaulted */
  defaulted: Exact;
  /** Σ B0 of active */
  active: Exact;
}

export const emptyRateSums = (): RateSums => ({ unscheduled: ZERO, expected: ZERO, defaulted: ZERO, active: ZERO });

export function addLoanMonth(sums: RateSums, lm: LoanMonth): RateSums {
  if (!lm.active) return sums;
  return {
    unscheduled: lm.u ? sums.unscheduled.plus(lm.u) : sums.unscheduled,
    expected: lm.u ? sums.expected.plus(lm.b0.minus(lm.s as Exact)) : sums.expected,
    defaulted: lm.newlyDefaulted ? sums.defaulted.plus(lm.b0) : sums.defaulted,
    active: sums.active.plus(lm.b0),
  };
}

/** SMM, CPR, MDR, CDR (unrounded; null wherever a denominator is 0). */
export function rates(sums: RateSums) {
  const smm = sums.expected.eq(0) ? null : sums.unscheduled.div(sums.expected);
  const mdr = sums.active.eq(0) ? null : sums.defaulted.div(sums.active);
  return { smm, cpr: annualised(smm), mdr, cdr: annualised(mdr) };
}
