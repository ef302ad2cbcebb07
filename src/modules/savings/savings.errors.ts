import { defineErrors, CodeOf } from '../../common/errors/define-errors';

/** The savings side (camelCase fields on the wire, so the field errors name them so too). */
export const SAVINGS_ERRORS = defineErrors('savings', {
  'duplicate-client': { status: 409, title: 'Conflict' },
  'instruction-reference-reused': { status: 409, title: 'Conflict' },
  'instruction-not-pending': { status: 409, title: 'Conflict' },
  'currency-mismatch': { status: 422, title: 'Unprocessable entity' },
  'account-closed': { status: 422, title: 'Unprocessable entity' },
  'account-matured': { status: 422, title: 'Unprocessable entity' },
  'fixed-term-not-matured': { status: 422, title: 'Unprocessable entity' },
  'deposit-outside-limits': { status: 422, title: 'Unprocessable entity' },
});

export type SavingsErrorCode = CodeOf<typeof SAVINGS_ERRORS>;

const { error } = SAVINGS_ERRORS;

export const duplicateClient = (clientReference: string) =>
  error('duplicate-client', `A client with clientReference ${clientReference} already exists`, [
    { field: 'clientReference', message: 'already exists' },
  ]);

export const instructionReferenceReused = (reference: string) =>
  error('instruction-reference-reused', `instructionReference ${reference} was already used with a different request`, [
    { field: 'instructionReference', message: 'already used with a different request' },
  ]);

export const instructionNotPending = (reference: string, status: string) =>
  error('instruction-not-pending', `Instruction ${reference} is ${status} and can no longer be reverted`, [
    { field: 'instructionReference', message: `already ${status.toLowerCase()}` },
  ]);

/** `target`: what the instruction names, whose currency it must use. */
export const currencyMismatch = (target: 'product' | 'deposit account', expected: string, given: string) =>
  error('currency-mismatch', `The ${target} is in ${expected}, not ${given}`, [{ field: 'currencyCode', message: `must be ${expected}` }]);

export const accountClosed = (accountId: string) =>
  error('account-closed', `Deposit account ${accountId} is closed`, [{ field: 'depositAccountId', message: 'the account is closed' }]);

export const accountMatured = (accountId: string) =>
  error('account-matured', `Deposit account ${accountId} has matured and takes no further deposits`, [
    { field: 'depositAccountId', message: 'the account has matured' },
  ]);

/** `what`: the refused movement, as the sentence needs it ("closed", "withdrawn from"). */
export const fixedTermNotMatured = (accountId: string, what: string) =>
  error('fixed-term-not-matured', `Deposit account ${accountId} is fixed-term and has not matured; it cannot be ${what} yet`, [
    { field: 'depositAccountId', message: `a fixed-term account cannot be ${what} before maturity` },
  ]);

export const depositOutsideLimits = (side: 'below-minimum' | 'above-maximum', limit: string) =>
  side === 'below-minimum'
    ? error('deposit-outside-limits', `The deposit is below the product minimum of ${limit}`, [{ field: 'amount', message: `must be at least ${limit}` }])
    : error('deposit-outside-limits', `The deposit would take the balance above the product maximum of ${limit}`, [
        { field: 'amount', message: `the balance may not exceed ${limit}` },
      ]);
