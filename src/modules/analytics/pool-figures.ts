import { formatMoney, formatRate } from '../../common/money/decimal';
import { Exact, ratio, ZERO } from './exact';
import { addLoanMonth, emptyRateSums, loanMonth, monthIndex, monthLabel, monthsOnBook, Observation, rates, remainingTerm } from './loan-month';

/** One point of `GET /portfolios/{id}/performance` (§11), in its wire form. */
export interface PerformancePoint {
  month: string;
  loan_count: number;
  balance: string;
  pool_factor: string | null;
  wac: string | null;
  wala: string | null;
  wam: string | null;
  smm: string | null;
  cpr: string | null;
  mdr: string | null;
  cdr: string | null;
  dpd_30_plus_rate: string | null;
  dpd_60_plus_rate: string | null;
  dpd_90_plus_rate: string | null;
  cumulative_gross_loss_rate: string | null;
  cumulative_net_loss_rate: string | null;
  severity: string | null;
}

/** Unrounded figures as decimal text (from SQL or from the calculators below); null where a denominator is 0. */
export type RawPoint = { month: string; loan_count: number } & Record<Exclude<keyof PerformancePoint, 'month' | 'loan_count'>, string | null>;

/** WALA and WAM: decimal strings with 2 decimals, half-up. */
export const twoDecimals = (v: string | null) => (v === null ? null : new Exact(v).toFixed(2, Exact.roundHalfUp));
const text = (v: Exact | null) => (v === null ? null : v.toFixed());

/** The wire form of a point: money with 2 decimals, WALA/WAM with 2, rates per §1. */
export function pointView(r: RawPoint): PerformancePoint {
  return {
    month: r.month,
    loan_count: r.loan_count,
    balance: formatMoney(r.balance) as string,
    pool_factor: formatRate(r.pool_factor),
    wac: formatRate(r.wac),
    wala: twoDecimals(r.wala),
    wam: twoDecimals(r.wam),
    smm: formatRate(r.smm),
    cpr: formatRate(r.cpr),
    mdr: formatRate(r.mdr),
    cdr: formatRate(r.cdr),
    dpd_30_plus_rate: formatRate(r.dpd_30_plus_rate),
    dpd_60_plus_rate: formatRate(r.dpd_60_plus_rate),
    dpd_90_plus_rate: formatRate(r.dpd_90_plus_rate),
    cumulative_gross_loss_rate: formatRate(r.cumulative_gross_loss_rate),
    cumulative_net_loss_rate: formatRate(r.cumulative_net_loss_rate),
    severity: formatRate(r.severity),
  };
}

/** Each loan's observations keyed by "loan|month index", for finding its M−1 observation. */
export function byLoanMonth(observations: Observation[]): Map<string, Observation> {
  return new Map(observations.map((o) => [`${o.loan_id}|${monthIndex(o.month)}`, o]));
}

export const previousOf = (index: Map<string, Observation>, o: Observation) => index.get(`${o.loan_id}|${monthIndex(o.month) - 1}`);

/** The pool figures at month M over `pool` (the loans observed in M); `index` holds the M−1 observations too. */
export function poolFigures(month: string, pool: Observation[], index: Map<string, Observation>): PerformancePoint {
  let balance = ZERO;
  let original = ZERO;
  let rateBalance = ZERO;
  let ageBalance = ZERO;
  let remainingBalance = ZERO;
  let dpd30 = ZERO;
  let dpd60 = ZERO;
  let dpd90 = ZERO;
  let chargedOff = ZERO;
  let netLoss = ZERO;
  let sums = emptyRateSums();
  for (const o of pool) {
    const b = new Exact(o.principal_balance);
    balance = balance.plus(b);
    original = original.plus(o.original_principal);
    rateBalance = rateBalance.plus(b.times(o.interest_rate));
    ageBalance = ageBalance.plus(b.times(monthsOnBook(o)));
    remainingBalance = remainingBalance.plus(b.times(remainingTerm(o)));
    if (o.days_past_due >= 30) dpd30 = dpd30.plus(b);
    if (o.days_past_due >= 60) dpd60 = dpd60.plus(b);
    if (o.days_past_due >= 90) dpd90 = dpd90.plus(b);
    chargedOff = chargedOff.plus(o.charged_off_amount);
    netLoss = netLoss.plus(o.charged_off_amount).minus(o.recovered_amount);
    sums = addLoanMonth(sums, loanMonth(previousOf(index, o), o));
  }
  const r = rates(sums);
  return pointView({
    month,
    loan_count: pool.length,
    balance: balance.toFixed(),
    pool_factor: text(ratio(balance, original)),
    wac: text(ratio(rateBalance, balance)),
    wala: text(ratio(ageBalance, balance)),
    wam: text(ratio(remainingBalance, balance)),
    smm: text(r.smm),
    cpr: text(r.cpr),
    mdr: text(r.mdr),
    cdr: text(r.cdr),
    dpd_30_plus_rate: text(ratio(dpd30, balance)),
    dpd_60_plus_rate: text(ratio(dpd60, balance)),
    dpd_90_plus_rate: text(ratio(dpd90, balance)),
    cumulative_gross_loss_rate: text(ratio(chargedOff, original)),
    cumulative_net_loss_rate: text(ratio(netLoss, original)),
    severity: text(ratio(netLoss, chargedOff)),
  });
}

/** The performance series over months [from, to] (YYYY-MM), skipping months whose pool is empty. */
export function performanceSeries(observations: Observation[], from: string, to: string): PerformancePoint[] {
  const index = byLoanMonth(observations);
  const points: PerformancePoint[] = [];
  for (let m = monthIndex(from); m <= monthIndex(to); m++) {
    const pool = observations.filter((o) => monthIndex(o.month) === m);
    if (pool.length) points.push(poolFigures(monthLabel(m), pool, index));
  }
  return points;
}
