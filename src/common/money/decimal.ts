import Big from 'big.js';

// Half-up everywhere unless a rule says otherwise (interest payouts round down explicitly).
Big.RM = Big.roundHalfUp;
Big.DP = 20;

export { Big };

const MONEY_RE = /^\d{1,15}(\.\d{1,2})?$/;
const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

export const isMoneyString = (v: unknown): v is string => typeof v === 'string' && MONEY_RE.test(v);
export const isDecimalString = (v: unknown): v is string => typeof v === 'string' && DECIMAL_RE.test(v);

/** Money on the loan-side wire: exactly two decimals, half-up. */
export function formatMoney(v: Big | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return new Big(v).toFixed(2, Big.roundHalfUp);
}

/** Rates on the wire: half-up to 6 decimals, trailing zeros dropped ("0.078"). */
export function formatRate(v: Big | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const fixed = new Big(v).round(6, Big.roundHalfUp);
  // Big#toString never uses exponent notation for the magnitudes we handle.
  return fixed.toFixed().replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** Exact decimal text of a JSON number, through its shortest decimal representation (never float math). */
export function decimalFromJson(v: unknown): string | null {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    return new Big(String(v)).toFixed();
  }
  if (typeof v === 'string' && DECIMAL_RE.test(v.trim())) return new Big(v.trim()).toFixed();
  return null;
}
