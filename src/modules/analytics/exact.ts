import Big from 'big.js';

/**
 * A big.js constructor of its own for §11 (at least 20 significant digits; 40 decimals here),
 * so these figures never depend on, or change, the global Big settings other modules rely on.
 */
export const Exact = Big();
Exact.DP = 40;
Exact.RM = Big.roundHalfUp;
// Plain digits in toString (never exponent notation), so values pass to other Big constructors.
Exact.NE = -60;
Exact.PE = 60;

export type Exact = Big;

export const ZERO = new Exact(0);
export const ONE = new Exact(1);

/** x^n for a whole n ≥ 0 by squaring, each product rounded to 60 decimals (an exact power of a 40-decimal j would carry thousands of digits). */
export function powRounded(x: Big, n: number): Big {
  let result = ONE;
  let base = new Exact(x);
  let k = n;
  while (k > 0) {
    if (k & 1) result = result.times(base).round(60);
    base = base.times(base).round(60);
    k >>= 1;
  }
  return result;
}

/** a ÷ b, or null when b is 0 (§11: null wherever a denominator is 0). */
export const ratio = (a: Big, b: Big): Big | null => (b.eq(0) ? null : a.div(b));

/** 1 − (1 − r)^12: a monthly rate annualised (CPR from SMM, CDR from MDR). */
export const annualised = (monthly: Big | null): Big | null => (monthly === null ? null : ONE.minus(powRounded(ONE.minus(monthly), 12)));
