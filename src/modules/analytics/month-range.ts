import { badRequest } from '../../common/errors/common.errors';
import { todayUtc } from '../../common/time/today';
import { monthIndex } from './loan-month';

/** §11: at most this many months in one answer. */
export const MAX_MONTHS = 120;

export interface MonthRange {
  /** month indexes (year × 12 + month − 1), inclusive */
  from: number;
  to: number;
}

/** The §11 range: default the last 12 calendar months up to this one; from after to, or over 120 months → 400. */
export function monthRange(q: { from?: string; to?: string }, today = todayUtc()): MonthRange {
  const to = q.to ? monthIndex(q.to) : monthIndex(today);
  const from = q.from ? monthIndex(q.from) : to - 11;
  if (from > to) throw badRequest('from is after to', [{ field: 'from', message: 'must not be after to' }]);
  if (to - from + 1 > MAX_MONTHS) {
    throw badRequest(`The range spans ${to - from + 1} months; at most ${MAX_MONTHS}`, [
      { field: 'to', message: `must be at most ${MAX_MONTHS} months from from (inclusive)` },
    ]);
  }
  return { from, to };
}
