import { formatMoney, formatRate } from '../../common/money/decimal';
import { Exact, ZERO } from '../analytics/exact';
import { addLoanMonth, emptyRateSums, loanMonth, monthIndex, monthLabel, Observation, RateSums, rates } from '../analytics/loan-month';
import { byLoanMonth, previousOf } from '../analytics/pool-figures';
import { isInDefault } from '../loans/loan-states';
import { computeSnapshotMetrics, MetricLoan } from './snapshot-metrics';

/**
 * The §4 vintage analysis as plain functions: the readable definition and the reference for
 * the SQL the service runs.
 */

export const PERIODS = ['month', 'quarter'] as const;
export type Period = (typeof PERIODS)[number];
/** §11: curve points keyed by months on book (the default) or by calendar month. */
export const BASES = ['months_on_book', 'calendar'] as const;
export type Basis = (typeof BASES)[number];

export interface VintageLoan extends MetricLoan {
  id: string;
  origination_date: string;
}

/** A loan snapshot; fields it omits are the loan's (rate, term, original principal) or 0.00 (losses). */
export interface VintageSnapshot {
  loan_id: string;
  snapshot_date: string;
  principal_balance: string;
  days_past_due: number;
  status: string;
  interest_rate?: string;
  term_months?: number;
  original_principal?: string;
  charged_off_amount?: string;
  recovered_amount?: string;
}

/** A curve point: `months_on_book`, or `month` with `?basis=calendar`. */
export interface CurvePoint {
  months_on_book?: number;
  month?: string;
  outstanding_ratio: string;
  dpd_30_plus_rate: string;
  cumulative_default_rate: string;
  smm: string | null;
  cpr: string | null;
  mdr: string | null;
  cdr: string | null;
  dpd_60_plus_rate: string;
  dpd_90_plus_rate: string;
  cumulative_net_loss_rate: string;
}

/** The wire form of a point's figures (unrounded decimal text in; each ratio to P, rates as §1). */
export function curvePointView(key: { months_on_book: number } | { month: string }, r: Record<string, string | null>): CurvePoint {
  return {
    ...key,
    outstanding_ratio: formatRate(r.outstanding_ratio) as string,
    dpd_30_plus_rate: formatRate(r.dpd_30_plus_rate) as string,
    cumulative_default_rate: formatRate(r.cumulative_default_rate) as string,
    smm: formatRate(r.smm),
    cpr: formatRate(r.cpr),
    mdr: formatRate(r.mdr),
    cdr: formatRate(r.cdr),
    dpd_60_plus_rate: formatRate(r.dpd_60_plus_rate) as string,
    dpd_90_plus_rate: formatRate(r.dpd_90_plus_rate) as string,
    cumulative_net_loss_rate: formatRate(r.cumulative_net_loss_rate) as string,
  };
}

export interface Vintage {
  vintage: string;
  loan_count: number;
  original_principal: string;
  outstanding: string;
  delinquency_rate: string | null;
  default_rate: string | null;
  curve: CurvePoint[];
}

/** "2026-01" for a month cohort, "2026-Q1" for a quarter cohort. */
export function vintageLabel(originationDate: string, period: Period): string {
  const [y, m] = originationDate.split('-');
  return period === 'month' ? `${y}-${m}` : `${y}-Q${Math.ceil(Number(m) / 3)}`;
}


/** Whole months from the origination month to the snapshot's month (day of month ignored). */
export const monthsOnBook = (originationDate: string, snapshotDate: string) => monthIndex(snapshotDate) - monthIndex(originationDate);

/** Each loan's month-end observations (its last snapshot of each calendar month), with the loan's fields filled in. */
export function monthEndObservations(loans: VintageLoan[], snapshots: VintageSnapshot[]): Observation[] {
  const last = new Map<string, VintageSnapshot>();
  for (const s of snapshots) {
    const key = `${s.loan_id}|${s.snapshot_date.slice(0, 7)}`;
    const seen = last.get(key);
    if (!seen || seen.snapshot_date < s.snapshot_date) last.set(key, s);
  }
  const byId = new Map(loans.map((l) => [l.id, l]));
  return [...last.values()].flatMap((s) => {
    const l = byId.get(s.loan_id);
    if (!l) return [];
    return [{
      loan_id: s.loan_id, month: s.snapshot_date.slice(0, 7), origination_date: l.origination_date,
      original_principal: s.original_principal ?? l.original_principal, principal_balance: s.principal_balance,
      interest_rate: s.interest_rate ?? l.interest_rate, term_months: s.term_months ?? l.term_months,
      days_past_due: s.days_past_due, status: s.status,
      charged_off_amount: s.charged_off_amount ?? '0.00', recovered_amount: s.recovered_amount ?? '0.00',
    }];
  });
}

interface PointSums {
  balance: Exact;
  dpd30: Exact;
  dpd60: Exact;
  dpd90: Exact;
  netLoss: Exact;
  rates: RateSums;
}

const emptyPoint = (): PointSums => ({ balance: ZERO, dpd30: ZERO, dpd60: ZERO, dpd90: ZERO, netLoss: ZERO, rates: emptyRateSums() });

export function computeVintages(loans: VintageLoan[], snapshots: VintageSnapshot[], period: Period, basis: Basis = 'months_on_book'): Vintage[] {
  const observations = monthEndObservations(loans, snapshots);
  const index = byLoanMonth(observations);
  const byLoan = new Map<string, Observation[]>();
  for (const o of observations) byLoan.set(o.loan_id, [...(byLoan.get(o.loan_id) ?? []), o]);
  const cohorts = new Map<string, VintageLoan[]>();
  for (const l of loans) {
    const label = vintageLabel(l.origination_date, period);
    cohorts.set(label, [...(cohorts.get(label) ?? []), l]);
  }
  return [...cohorts.keys()].sort().map((label) => {
    const members = cohorts.get(label) as VintageLoan[];
    const today = computeSnapshotMetrics(members);
    const P = new Exact(today.total_principal);
    // A point's key: months on book, or the calendar month index; both order the curve.
    const points = new Map<number, PointSums>();
    const firstDefault: { key: number; principal: string }[] = [];
    for (const l of members) {
      let defaultedAt: number | null = null;
      for (const o of byLoan.get(l.id) ?? []) {
        const mob = monthsOnBook(l.origination_date, o.month);
        if (mob < 0) continue;
        const key = basis === 'months_on_book' ? mob : monthIndex(o.month);
        const p = points.get(key) ?? emptyPoint();
        const b = new Exact(o.principal_balance);
        p.balance = p.balance.plus(b);
        if (o.days_past_due >= 30) p.dpd30 = p.dpd30.plus(b);
        if (o.days_past_due >= 60) p.dpd60 = p.dpd60.plus(b);
        if (o.days_past_due >= 90) p.dpd90 = p.dpd90.plus(b);
        p.netLoss = p.netLoss.plus(o.charged_off_amount).minus(o.recovered_amount);
        p.rates = addLoanMonth(p.rates, loanMonth(previousOf(index, o), o));
        points.set(key, p);
        if (isInDefault(o) && (defaultedAt === null || key < defaultedAt)) defaultedAt = key;
      }
      if (defaultedAt !== null) firstDefault.push({ key: defaultedAt, principal: l.original_principal });
    }
    const ofP = (v: Exact) => v.div(P).toFixed();
    const text = (v: Exact | null) => (v === null ? null : v.toFixed());
    const curve = [...points.keys()].sort((a, b) => a - b).map((key) => {
      const p = points.get(key) as PointSums;
      const cumulative = firstDefault.filter((d) => d.key <= key).reduce((sum, d) => sum.plus(d.principal), ZERO);
      const r = rates(p.rates);
      return curvePointView(basis === 'months_on_book' ? { months_on_book: key } : { month: monthLabel(key) }, {
        outstanding_ratio: ofP(p.balance), dpd_30_plus_rate: ofP(p.dpd30), cumulative_default_rate: ofP(cumulative),
        smm: text(r.smm), cpr: text(r.cpr), mdr: text(r.mdr), cdr: text(r.cdr),
        dpd_60_plus_rate: ofP(p.dpd60), dpd_90_plus_rate: ofP(p.dpd90), cumulative_net_loss_rate: ofP(p.netLoss),
      });
    });
    return {
      vintage: label,
      loan_count: members.length,
      original_principal: formatMoney(P.toFixed()) as string,
      outstanding: today.total_outstanding,
      delinquency_rate: today.delinquency_rate,
      default_rate: today.default_rate,
      curve,
    };
  });
}
