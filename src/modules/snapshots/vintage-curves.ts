import { Big, formatMoney, formatRate } from '../../common/money/decimal';
import { computeSnapshotMetrics, isInDefault, MetricLoan } from './snapshot-metrics';

/**
 * The §4 vintage analysis as plain functions: the readable definition and the reference for
 * the SQL the service runs.
 */

export const PERIODS = ['month', 'quarter'] as const;
export type Period = (typeof PERIODS)[number];

export interface VintageLoan extends MetricLoan {
  id: string;
  origination_date: string;
}

export interface VintageSnapshot {
  loan_id: string;
  snapshot_date: string;
  principal_balance: string;
  days_past_due: number;
  status: string;
}

export interface CurvePoint {
  months_on_book: number;
  outstanding_ratio: string;
  dpd_30_plus_rate: string;
  cumulative_default_rate: string;
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

const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

/** Whole months from the origination month to the snapshot's month (day of month ignored). */
export const monthsOnBook = (originationDate: string, snapshotDate: string) => monthIndex(snapshotDate) - monthIndex(originationDate);

/** Each loan's last snapshot of each calendar month. */
function monthEnds(snapshots: VintageSnapshot[]): Map<string, VintageSnapshot[]> {
  const last = new Map<string, VintageSnapshot>();
  for (const s of snapshots) {
    const key = `${s.loan_id}|${s.snapshot_date.slice(0, 7)}`;
    const seen = last.get(key);
    if (!seen || seen.snapshot_date < s.snapshot_date) last.set(key, s);
  }
  const byLoan = new Map<string, VintageSnapshot[]>();
  for (const s of last.values()) byLoan.set(s.loan_id, [...(byLoan.get(s.loan_id) ?? []), s]);
  return byLoan;
}

export function computeVintages(loans: VintageLoan[], snapshots: VintageSnapshot[], period: Period): Vintage[] {
  const ends = monthEnds(snapshots);
  const cohorts = new Map<string, VintageLoan[]>();
  for (const l of loans) {
    const label = vintageLabel(l.origination_date, period);
    cohorts.set(label, [...(cohorts.get(label) ?? []), l]);
  }
  return [...cohorts.keys()].sort().map((label) => {
    const members = cohorts.get(label) as VintageLoan[];
    const today = computeSnapshotMetrics(members);
    const P = new Big(today.total_principal);
    const points = new Map<number, { balance: Big; dpd30: Big }>();
    const firstDefault: { mob: number; principal: string }[] = [];
    for (const l of members) {
      let defaultedAt: number | null = null;
      for (const s of ends.get(l.id) ?? []) {
        const mob = monthsOnBook(l.origination_date, s.snapshot_date);
        if (mob < 0) continue;
        const p = points.get(mob) ?? { balance: new Big(0), dpd30: new Big(0) };
        p.balance = p.balance.plus(s.principal_balance);
        if (s.days_past_due >= 30) p.dpd30 = p.dpd30.plus(s.principal_balance);
        points.set(mob, p);
        if (isInDefault(s) && (defaultedAt === null || mob < defaultedAt)) defaultedAt = mob;
      }
      if (defaultedAt !== null) firstDefault.push({ mob: defaultedAt, principal: l.original_principal });
    }
    const curve = [...points.keys()].sort((a, b) => a - b).map((mob) => {
      const p = points.get(mob) as { balance: Big; dpd30: Big };
      const cumulative = firstDefault.filter((d) => d.mob <= mob).reduce((sum, d) => sum.plus(d.principal), new Big(0));
      return {
        months_on_book: mob,
        outstanding_ratio: formatRate(p.balance.div(P)) as string,
        dpd_30_plus_rate: formatRate(p.dpd30.div(P)) as string,
        cumulative_default_rate: formatRate(cumulative.div(P)) as string,
      };
    });
    return {
      vintage: label,
      loan_count: members.length,
      original_principal: formatMoney(P) as string,
      outstanding: today.total_outstanding,
      delinquency_rate: today.delinquency_rate,
      default_rate: today.default_rate,
      curve,
    };
  });
}
