import { defineErrors, CodeOf } from '../../common/errors/define-errors';
import type { FieldError } from '../../common/errors/domain-error';
import { MAX_IMPORT_ERRORS } from './import/csv-to-copy';

/** Loans and the CSV imports (the loan import, and the snapshot history import that runs on the same machinery). */
export const LOANS_ERRORS = defineErrors('loans', {
  'duplicate-loan-number': { status: 409, title: 'Conflict' },
  'paid-off-rule': { status: 422, title: 'Unprocessable entity' },
  'recovered-exceeds-charged-off': { status: 422, title: 'Unprocessable entity' },
  'import-rejected': { status: 422, title: 'Unprocessable entity' },
  'too-many-imports': { status: 429, title: 'Too many requests' },
});

export type LoansErrorCode = CodeOf<typeof LOANS_ERRORS>;

const { error } = LOANS_ERRORS;

export const duplicateLoanNumber = (loanNumber: string) =>
  error('duplicate-loan-number', `A loan numbered ${loanNumber} already exists`, [
    { field: 'loan_number', message: 'already exists in this organization' },
  ]);

export const paidOffRule = (fields: FieldError[]) =>
  error('paid-off-rule', 'A paid_off loan must have principal_balance 0 and days_past_due 0', fields);

export const lossRule = (fields: FieldError[]) =>
  error('recovered-exceeds-charged-off', 'recovered_amount must not exceed charged_off_amount', fields);

export const importRejected = (errors: FieldError[]) =>
  error(
    'import-rejected',
    `The file was rejected and nothing was written: ${errors.length}${errors.length >= MAX_IMPORT_ERRORS ? '+' : ''} problem(s)`,
    errors.slice(0, MAX_IMPORT_ERRORS),
  );

export const tooManyImports = (maxPerOrg: number, retryAfterSeconds: number) =>
  error(
    'too-many-imports',
    `At most ${maxPerOrg} imports of one organization run at once; retry when one has finished`,
    [],
    { 'Retry-After': String(retryAfterSeconds) },
  );
