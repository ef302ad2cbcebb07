import { formatMoney, formatRate } from '../../common/money/decimal';
import { Exact, ZERO } from './exact';
import { monthIndex, monthLabel, Observation } from './loan-month';
import { bucketOf, isInDefault } from '../loans/loan-states';

/** §11 transition states, in the order the spec names them. */
export const STATES = ['paid_off', 'default', 'current', 'dpd_1_29', 'dpd_30_59', 'dpd_60_89', 'dpd_90_119'] as const;
export type State = (typeof STATES)[number];

/** paid_off (status), else default (§3), else the delinquency bucket (120+ is always in default). */
export function stateOf(o: Pick<Observation, 'status' | 'days_past_due'>): State {
  if (o.status === 'paid_off') return 'paid_off';
  if (isInDefault(o)) return 'default';
  return bucketOf(o.days_past_due) as State;
}

type Matrix<T> = Record<State, Record<State, T>>;

export const matrixOf = <T>(cell: (from: State, to: State) => T): Matrix<T> =>
  Object.fromEntries(STATES.map((a) => [a, Object.fromEntries(STATES.map((b) => [b, cell(a, b)]))])) as Matrix<T>;

export interface TransitionPeriod {
  from: string;
  to: string;
  counts: Matrix<number>;
  balances: Matrix<string>;
  roll_rates: Matrix<string | null>;
}

/** The M−1 → M matrix over loans observed in both months; balances are M−1 balances. */
export function transitionPeriod(prevMonth: Observation[], month: Observation[], from: string, to: string): TransitionPeriod {
  const counts = matrixOf(() => 0);
  const sums = matrixOf<Exact>(() => ZERO);
  const now = new Map(month.map((o) => [o.loan_id, o]));
  for (const p of prevMonth) {
    const c = now.get(p.loan_id);
    if (!c) continue;
    const a = stateOf(p);
    const b = stateOf(c);
    counts[a][b] += 1;
    sums[a][b] = sums[a][b].plus(p.principal_balance);
  }
  const rowTotal = Object.fromEntries(STATES.map((a) => [a, STATES.reduce((t, b) => t.plus(sums[a][b]), ZERO)])) as Record<State, Exact>;
  return {
    from,
    to,
    counts,
    balances: matrixOf((a, b) => formatMoney(sums[a][b].toFixed()) as string),
    roll_rates: matrixOf((a, b) => (rowTotal[a].eq(0) ? null : formatRate(sums[a][b].div(rowTotal[a]).toFixed()))),
  };
}

/** One period per pair of consecutive months M−1 → M with both in [from, to]. */
export function transitionSeries(observations: Observation[], from: string, to: string): TransitionPeriod[] {
  const out: TransitionPeriod[] = [];
  const inMonth = (m: number) => observations.filter((o) => monthIndex(o.month) === m);
  for (let m = monthIndex(from) + 1; m <= monthIndex(to); m++) {
    out.push(transitionPeriod(inMonth(m - 1), inMonth(m), monthLabel(m - 1), monthLabel(m)));
  }
  return out;
}
