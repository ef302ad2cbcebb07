import { defineErrors, CodeOf } from '../../common/errors/define-errors';
import { Big } from '../../common/money/decimal';

/** Investors, settlement instruments, loan assignments and portfolio sales. */
export const INVESTORS_ERRORS = defineErrors('investors', {
  'investor-inactive': { status: 422, title: 'Unprocessable entity' },
  'instrument-not-of-investor': { status: 422, title: 'Unprocessable entity' },
  'instrument-inactive': { status: 422, title: 'Unprocessable entity' },
  'default-must-be-active': { status: 422, title: 'Unprocessable entity' },
  'assignment-terminated': { status: 409, title: 'Conflict' },
  'loan-moving': { status: 409, title: 'Conflict' },
  'ownership-exceeded': { status: 409, title: 'Conflict' },
  'loans-already-assigned': { status: 409, title: 'Conflict' },
  'portfolio-empty': { status: 422, title: 'Unprocessable entity' },
});

export type InvestorsErrorCode = CodeOf<typeof INVESTORS_ERRORS>;

const { error } = INVESTORS_ERRORS;

export const investorInactive = () =>
  error('investor-inactive', 'An inactive investor cannot take new loan assignments', [
    { field: 'investor_id', message: 'investor is inactive' },
  ]);

export const instrumentNotOfInvestor = (instrumentId: string, investorId: string) =>
  error('instrument-not-of-investor', `Settlement instrument ${instrumentId} does not belong to investor ${investorId}`, [
    { field: 'settlement_instrument_id', message: 'not an instrument of this investor' },
  ]);

export const instrumentInactive = (instrumentId: string) =>
  error('instrument-inactive', `Settlement instrument ${instrumentId} is inactive`, [
    { field: 'settlement_instrument_id', message: 'instrument is inactive' },
  ]);

export const defaultMustBeActive = () =>
  error('default-must-be-active', 'An inactive settlement instrument cannot be the default', [
    { field: 'is_default', message: 'only an active instrument can be the default' },
  ]);

export const assignmentTerminated = (id: string) =>
  error('assignment-terminated', `Loan assignment ${id} is terminated; termination is final`, [
    { field: 'status', message: 'assignment is terminated' },
  ]);

export const loanMoving = (loanId: string) =>
  error('loan-moving', `Loan ${loanId} is changing portfolios; retry the request`, [{ field: 'loan_id', message: 'loan is being moved' }]);

/** `total`: the percentage already actively assigned (numeric text); `pct`: the one asked for. */
export const ownershipExceeded = (loanId: string, total: string, pct: string) =>
  error('ownership-exceeded', `Loan ${loanId} already has ${new Big(total).toFixed(2)} % actively assigned; ${pct} % more would exceed 100 %`, [
    { field: 'ownership_pct', message: `at most ${new Big(100).minus(total).toFixed(2)} available` },
  ]);

/** `ids`: the assigned loans to name; `more`: whether there are others beyond them. */
export const loansAlreadyAssigned = (portfolioId: string, ids: string[], more: boolean) =>
  error(
    'loans-already-assigned',
    `Portfolio ${portfolioId} holds loans that already have active assignments: ${ids.slice(0, 20).join(', ')}${more ? ', …' : ''}`,
    [{ field: 'loan_ids', message: `already assigned: ${ids.join(', ')}` }],
  );

export const portfolioEmpty = (id: string) =>
  error('portfolio-empty', `Portfolio ${id} holds no loans; there is nothing to sell`, [{ field: 'portfolio_id', message: 'portfolio is empty' }]);
