import { defineErrors, CodeOf } from '../../common/errors/define-errors';

export const PORTFOLIOS_ERRORS = defineErrors('portfolios', {
  'portfolio-name-taken': { status: 409, title: 'Conflict' },
  'portfolio-archived': { status: 409, title: 'Conflict' },
  'portfolio-sold': { status: 409, title: 'Conflict' },
  'portfolio-not-active': { status: 409, title: 'Conflict' },
  'portfolio-not-archived': { status: 409, title: 'Conflict' },
  'portfolio-dynamic': { status: 409, title: 'Conflict' },
  'loan-already-assigned': { status: 409, title: 'Conflict' },
  'transfer-to-self': { status: 422, title: 'Unprocessable entity' },
  'loans-not-in-source': { status: 422, title: 'Unprocessable entity' },
  'portfolio-without-criteria': { status: 422, title: 'Unprocessable entity' },
});

export type PortfoliosErrorCode = CodeOf<typeof PORTFOLIOS_ERRORS>;

const { error } = PORTFOLIOS_ERRORS;

const preview = (ids: string[]) => ids.slice(0, 100).join(', ');

/** Creating or renaming takes the name given; unarchiving finds its own name taken by a newer portfolio. */
export const portfolioNameTaken = (by: { name: string } | 'unarchive') =>
  by === 'unarchive'
    ? error('portfolio-name-taken', 'An active portfolio has taken this name; rename it first', [
        { field: 'name', message: 'taken by another portfolio that is not archived' },
      ])
    : error('portfolio-name-taken', `A portfolio named "${by.name}" already exists`, [
        { field: 'name', message: 'already used by another portfolio that is not archived' },
      ]);

export const portfolioArchived = (id: string) =>
  error('portfolio-archived', `Portfolio ${id} is archived; unarchive it to change it`, [{ field: 'status', message: 'archived' }]);

export const portfolioSold = (id: string) =>
  error('portfolio-sold', `Portfolio ${id} is sold; its criteria are final`, [{ field: 'criteria', message: 'sold' }]);

/** What needed an active portfolio: a membership change (`requireActive`), or one of the operations below. */
export type MembershipAction = 'assign loans' | 'unassign loans' | 'sell';
export type NeedsActive = MembershipAction | 'archive' | 'auto-assign' | 'transfer' | 'transfer-target';

export const portfolioNotActive = (id: string, status: string, attempted: NeedsActive) => {
  switch (attempted) {
    case 'archive':
      return error('portfolio-not-active', `Portfolio ${id} is ${status} and cannot be archived`, [{ field: 'status', message: status }]);
    case 'auto-assign':
      return error('portfolio-not-active', `Cannot auto-assign: portfolio ${id} is ${status}`, [{ field: 'status', message: status }]);
    case 'transfer':
      return error('portfolio-not-active', `Cannot transfer: portfolio ${id} is ${status}`, [
        { field: 'status', message: `source portfolio is ${status}` },
      ]);
    case 'transfer-target':
      return error('portfolio-not-active', `Cannot transfer: target portfolio ${id} is ${status}`, [
        { field: 'target_portfolio_id', message: `target portfolio is ${status}` },
      ]);
    default:
      return error('portfolio-not-active', `Cannot ${attempted}: portfolio ${id} is ${status}`, [
        { field: 'status', message: `portfolio is ${status}` },
      ]);
  }
};

export const portfolioNotArchived = (id: string, status: string) =>
  error('portfolio-not-archived', `Portfolio ${id} is not archived`, [{ field: 'status', message: status }]);

export const portfolioDynamic = () =>
  error('portfolio-dynamic', 'Loans join a dynamic portfolio by its criteria, not by hand', [
    { field: 'loan_ids', message: 'manual assignment to a dynamic portfolio is not allowed' },
  ]);

export const loansInAnotherPortfolio = (ids: string[]) =>
  error('loan-already-assigned', `${ids.length} loan(s) are already in another portfolio`, [
    { field: 'loan_ids', message: `already in another portfolio: ${preview(ids)}` },
  ]);

export const transferToSelf = () =>
  error('transfer-to-self', 'The target is the source portfolio', [
    { field: 'target_portfolio_id', message: 'must differ from the source portfolio' },
  ]);

export const loansNotInSource = (ids: string[]) =>
  error('loans-not-in-source', `${ids.length} loan(s) are not in the source portfolio`, [
    { field: 'loan_ids', message: `not in the source portfolio: ${preview(ids)}` },
  ]);

export const portfolioWithoutCriteria = () =>
  error('portfolio-without-criteria', 'The portfolio has no criteria to match loans against', [
    { field: 'criteria', message: 'required for auto-assign' },
  ]);
