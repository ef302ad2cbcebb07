import { COMMON_ERRORS } from '../common/errors/common.errors';
import type { ErrorCatalog } from '../common/errors/define-errors';
import { typeUri } from '../common/errors/problem';
import { ANALYTICS_ERRORS } from '../modules/analytics/analytics.errors';
import { API_KEYS_ERRORS } from '../modules/api-keys/api-keys.errors';
import { INVESTORS_ERRORS } from '../modules/investors/investors.errors';
import { LOAN_TAPES_ERRORS } from '../modules/loan-tapes/loan-tapes.errors';
import { LOANS_ERRORS } from '../modules/loans/loans.errors';
import { PORTFOLIOS_ERRORS } from '../modules/portfolios/portfolios.errors';
import { SAVINGS_ERRORS } from '../modules/savings/savings.errors';
import { SNAPSHOTS_ERRORS } from '../modules/snapshots/snapshots.errors';

/** Every catalog. A `<name>.errors.ts` left out of this list fails `problem-types.spec.ts`. */
export const CATALOGS: readonly ErrorCatalog<string>[] = [
  COMMON_ERRORS,
  ANALYTICS_ERRORS,
  API_KEYS_ERRORS,
  INVESTORS_ERRORS,
  LOAN_TAPES_ERRORS,
  LOANS_ERRORS,
  PORTFOLIOS_ERRORS,
  SAVINGS_ERRORS,
  SNAPSHOTS_ERRORS,
];

export interface ProblemType {
  type: string;
  status: number;
  title: string;
  catalog: string;
}

/** Every problem `type` the service answers with, by status then code: what OpenAPI lists. */
export function problemTypes(): ProblemType[] {
  return CATALOGS.flatMap((c) => c.codes.map((code) => ({ code, ...c.specs[code], catalog: c.name })))
    .sort((a, b) => a.status - b.status || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map(({ code, status, title, catalog }) => ({ type: typeUri(code), status, title, catalog }));
}
