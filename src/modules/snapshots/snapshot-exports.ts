import { ExportTable, INTEGER, MONEY, RATE, TEXT, DATE } from '../../common/export/table-export';
import type { XlsxColumn, XlsxValue } from '../../common/xlsx/xlsx-writer';
import { portfolioSnapshotView } from './snapshot-sql';
import { DELINQUENCY_BUCKETS } from '../loans/loan-states';
import type { Basis, CurvePoint, Vintage } from './vintage-curves';

type Kind = Pick<XlsxColumn, 'kind' | 'format'>;
type SnapshotView = ReturnType<typeof portfolioSnapshotView>;

/** One row per snapshot; the bucket maps flattened into by_bucket_<bucket> and by_bucket_balance_<bucket>. */
export const snapshotsTable = (snapshots: SnapshotView[]): ExportTable => ({
  sheet: 'snapshots',
  columns: [
    { header: 'id', ...TEXT }, { header: 'portfolio_id', ...TEXT }, { header: 'snapshot_date', ...DATE }, { header: 'total_loans', ...INTEGER },
    { header: 'total_principal', ...MONEY }, { header: 'total_outstanding', ...MONEY }, { header: 'weighted_average_rate', ...RATE },
    { header: 'weighted_average_term', ...INTEGER }, { header: 'delinquency_rate', ...RATE }, { header: 'default_rate', ...RATE },
    ...DELINQUENCY_BUCKETS.map((b) => ({ header: `by_bucket_${b}`, ...INTEGER })),
    ...DELINQUENCY_BUCKETS.map((b) => ({ header: `by_bucket_balance_${b}`, ...MONEY })),
  ],
  rows: snapshots.map((s) => [
    s.id, s.portfolio_id, s.snapshot_date, s.total_loans, s.total_principal, s.total_outstanding, s.weighted_average_rate,
    s.weighted_average_term, s.delinquency_rate, s.default_rate,
    ...DELINQUENCY_BUCKETS.map((b) => s.by_bucket[b]), ...DELINQUENCY_BUCKETS.map((b) => s.by_bucket_balance[b]),
  ]),
});

const COHORT_COLUMNS: [keyof Omit<Vintage, 'curve'>, Kind][] = [
  ['vintage', TEXT], ['loan_count', INTEGER], ['original_principal', MONEY], ['outstanding', MONEY], ['delinquency_rate', RATE], ['default_rate', RATE],
];
/** The curve metrics, in the order of the JSON point; each is a sheet of the static-pool workbook. */
export const CURVE_METRICS = [
  'outstanding_ratio', 'dpd_30_plus_rate', 'cumulative_default_rate', 'smm', 'cpr', 'mdr', 'cdr',
  'dpd_60_plus_rate', 'dpd_90_plus_rate', 'cumulative_net_loss_rate',
] as const;

const keyOf = (basis: Basis) => (basis === 'months_on_book' ? 'months_on_book' : 'month');
const pointKey = (p: CurvePoint, basis: Basis): string | number => (basis === 'months_on_book' ? (p.months_on_book as number) : (p.month as string));

/** CSV: one row per cohort and curve point (a cohort without points keeps one row with empty point cells). */
export function vintagesTable(vintages: Vintage[], basis: Basis): ExportTable {
  const cohort = (v: Vintage): XlsxValue[] => COHORT_COLUMNS.map(([k]) => v[k]);
  return {
    sheet: 'vintages',
    columns: [
      ...COHORT_COLUMNS.map(([header, kind]) => ({ header, ...kind })),
      { header: keyOf(basis), ...(basis === 'months_on_book' ? INTEGER : TEXT) },
      ...CURVE_METRICS.map((m) => ({ header: m, ...RATE })),
    ],
    rows: vintages.flatMap((v) =>
      v.curve.length
        ? v.curve.map((p) => [...cohort(v), pointKey(p, basis), ...CURVE_METRICS.map((m) => p[m])])
        : [[...cohort(v), null, ...CURVE_METRICS.map(() => null)]],
    ),
  };
}

/**
 * XLSX: first the CSV's table (every export's first sheet is its CSV), then the cohorts, then one
 * sheet per metric with cohorts as rows and months on book (or months) as columns, the
 * static-pool layout analysts chart from.
 */
export function vintageSheets(vintages: Vintage[], basis: Basis): ExportTable[] {
  const keys = [...new Set(vintages.flatMap((v) => v.curve.map((p) => pointKey(p, basis))))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const cohorts: ExportTable = {
    sheet: 'cohorts',
    columns: COHORT_COLUMNS.map(([header, kind]) => ({ header, ...kind })),
    rows: vintages.map((v) => COHORT_COLUMNS.map(([k]) => v[k])),
  };
  return [
    vintagesTable(vintages, basis),
    cohorts,
    ...CURVE_METRICS.map((metric) => ({
      sheet: metric,
      columns: [{ header: 'vintage', ...TEXT }, ...keys.map((k) => ({ header: String(k), ...RATE }))],
      rows: vintages.map((v) => {
        const at = new Map(v.curve.map((p) => [pointKey(p, basis), p[metric]]));
        return [v.vintage, ...keys.map((k) => at.get(k) ?? null)];
      }),
    })),
  ];
}
