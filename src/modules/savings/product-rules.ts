import { Big } from '../../common/money/decimal';
import type { FieldError } from '../../common/errors/domain-error';
import type { DayCountBasis } from './accrual';

export interface ProductTerms {
  productType: 'fixed_term' | 'instant_access' | 'notice';
  grossRate: string;
  termMonths: number | null;
  noticeDays: number | null;
  dayCountBasis: DayCountBasis;
  interestPaidAt: 'maturity' | 'monthly' | 'annually';
  minimumDeposit: string | null;
  maximumDeposit: string | null;
}

/** What a product's fields must say together; each problem names the field as the caller sent it. */
export function productProblems(t: ProductTerms): FieldError[] {
  const errors: FieldError[] = [];
  if (t.productType === 'fixed_term' && t.termMonths === null) {
    errors.push({ field: 'termMonths', message: 'termMonths is required for a fixed_term product' });
  }
  if (t.productType !== 'fixed_term' && t.termMonths !== null) {
    errors.push({ field: 'termMonths', message: 'termMonths applies to fixed_term products only' });
  }
  if (t.productType === 'notice' && t.noticeDays === null) {
    errors.push({ field: 'noticeDays', message: 'noticeDays is required for a notice product' });
  }
  if (t.productType !== 'notice' && t.noticeDays !== null) {
    errors.push({ field: 'noticeDays', message: 'noticeDays applies to notice products only' });
  }
  if (t.productType !== 'fixed_term' && t.interestPaidAt === 'maturity') {
    errors.push({ field: 'interestPaidAt', message: 'only a fixed_term product can pay interest at maturity' });
  }
  if (t.minimumDeposit !== null && t.maximumDeposit !== null && new Big(t.minimumDeposit).gt(t.maximumDeposit)) {
    errors.push({ field: 'maximumDeposit', message: 'maximumDeposit must not be below minimumDeposit' });
  }
  return errors;
}

/** A change of the terms an account earns on makes a new product version; name and limits do not. */
export function termsChanged(before: ProductTerms, after: ProductTerms): boolean {
  return (
    !new Big(before.grossRate).eq(after.grossRate) ||
    before.termMonths !== after.termMonths ||
    before.noticeDays !== after.noticeDays ||
    before.dayCountBasis !== after.dayCountBasis ||
    before.interestPaidAt !== after.interestPaidAt
  );
}
