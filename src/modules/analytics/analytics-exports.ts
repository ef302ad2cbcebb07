import { DECIMAL2, ExportTable, INTEGER, MONEY, RATE, TEXT } from '../../common/export/table-export';
import type { XlsxColumn } from '../../common/xlsx/xlsx-writer';
import type { PerformancePoint } from './pool-figures';
import { STATES, TransitionPeriod } from './transitions';

type Kind = Pick<XlsxColumn, 'kind' | 'format'>;

const PERFORMANCE_COLUMNS: [keyof PerformancePoint, Kind][] = [
  ['month', TEXT], ['loan_count', INTEGER], ['balance', MONEY], ['pool_factor', RATE], ['wac', RATE], ['wala', DECIMAL2], ['wam', DECIMAL2],
  ['smm', RATE], ['cpr', RATE], ['mdr', RATE], ['cdr', RATE], ['dpd_30_plus_rate', RATE], ['dpd_60_plus_rate', RATE],
  ['dpd_90_plus_rate', RATE], ['cumulative_gross_loss_rate', RATE], ['cumulative_net_loss_rate', RATE], ['severity', RATE],
];

/** One row per month-end, the JSON point's fields as columns. */
export const performanceTable = (points: PerformancePoint[]): ExportTable => ({
  sheet: 'performance',
  columns: PERFORMANCE_COLUMNS.map(([header, kind]) => ({ header, ...kind })),
  rows: points.map((p) => PERFORMANCE_COLUMNS.map(([k]) => p[k])),
});

/** One row per period and pair of states (every pair, zeros included). */
export const transitionsTable = (periods: TransitionPeriod[]): ExportTable => ({
  sheet: 'transitions',
  columns: [
    { header: 'from', ...TEXT }, { header: 'to', ...TEXT }, { header: 'from_state', ...TEXT }, { header: 'to_state', ...TEXT },
    { header: 'count', ...INTEGER }, { header: 'balance', ...MONEY }, { header: 'roll_rate', ...RATE },
  ],
  rows: periods.flatMap((p) =>
    STATES.flatMap((a) => STATES.map((b) => [p.from, p.to, a, b, p.counts[a][b], p.balances[a][b], p.roll_rates[a][b]])),
  ),
});
