import { Big } from '../../common/money/decimal';
import type { FieldError } from '../../common/errors/domain-error';
import type { Criteria } from './criteria';

/** Cross-field rules class-validator cannot express: ranges must not be inverted. */
export function criteriaRangeErrors(c: Criteria): FieldError[] {
  const errors: FieldError[] = [];
  if (c.origination_date_start && c.origination_date_end && c.origination_date_start > c.origination_date_end) {
    errors.push({ field: 'criteria.origination_date_end', message: 'must not be before origination_date_start' });
  }
  if (c.min_interest_rate && c.max_interest_rate && new Big(c.min_interest_rate).gt(c.max_interest_rate)) {
    errors.push({ field: 'criteria.max_interest_rate', message: 'must not be below min_interest_rate' });
  }
  return errors;
}
