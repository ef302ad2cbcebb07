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

/** WALA and WAM: decimal strings with 2 decimals, half-up. */
const twoDecimals = (v: Exact | null) => (v === null ? null : v.toFixed(2, Exact.roundHalfUp));
const rate = (v: Exact | null) => formatRate(v === null ? null : v.toFixed());

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
  return {
    month,
    loan_count: pool.length,
    balance: formatMoney(balance.toFixed()) as string,
    pool_factor: rate(ratio(balance, original)),
    wac: rate(ratio(rateBalance, balance)),
    wala: twoDecimals(ratio(ageBalance, balance)),
    wam: twoDecimals(ratio(remainingBalance, balance)),
    smm: rate(r.smm),
    cpr: rate(r.cpr),
    mdr: rate(r.mdr),
    cdr: rate(r.cdr),
    dpd_30_plus_rate: rate(ratio(dpd30, balance)),
    dpd_60_plus_rate: rate(ratio(dpd60, balance)),
    dpd_90_plus_rate: rate(ratio(dpd90, balance)),
    cumulative_gross_loss_rate: rate(ratio(chargedOff, original)),
    cumulative_net_loss_rate: rate(ratio(netLoss, original)),
    severity: rate(ratio(netLoss, chargedOff)),
  };
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
