import { defineErrors, CodeOf } from '../../common/errors/define-errors';

/**
 * No codes of its own yet: analytics refuses only bad input (`invalid-request`) and unknown
 * portfolios (`not-found`), both from the common catalog. A rule of its own gets its code here.
 */
export const ANALYTICS_ERRORS = defineErrors('analytics', {});

export type AnalyticsErrorCode = CodeOf<typeof ANALYTICS_ERRORS>;
