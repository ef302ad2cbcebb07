import { defineErrors, CodeOf } from '../../common/errors/define-errors';

export const LOAN_TAPES_ERRORS = defineErrors('loan-tapes', {
  'loan-tape-config-inactive': { status: 409, title: 'Conflict' },
  'as-of-date-in-future': { status: 422, title: 'Unprocessable entity' },
  'loan-tape-not-ready': { status: 409, title: 'Conflict' },
  'loan-tape-file-missing': { status: 410, title: 'Gone' },
});

export type LoanTapesErrorCode = CodeOf<typeof LOAN_TAPES_ERRORS>;

const { error } = LOAN_TAPES_ERRORS;

export const tapeConfigInactive = (id: string) =>
  error('loan-tape-config-inactive', `Loan tape config ${id} is inactive; activate it to generate tapes`, [
    { field: 'is_active', message: 'the config is inactive' },
  ]);

export const asOfDateInFuture = (asOf: string, today: string) =>
  error('as-of-date-in-future', `as_of_date ${asOf} is in the future; the latest tape is today's (${today}, UTC)`, [
    { field: 'as_of_date', message: 'must not be after today (UTC)' },
  ]);

export const tapeNotReady = (id: string, status: string) =>
  error('loan-tape-not-ready', `Loan tape ${id} is ${status}; only a completed tape can be downloaded`, [{ field: 'status', message: status }]);

export const tapeFileMissing = (id: string) => error('loan-tape-file-missing', `The file of loan tape ${id} is no longer in storage`);
