import { api, must, type Schemas } from '../api';
import { chartBox, lineChart } from '../charts';
import { empty, failure, fill, h, loading, select } from '../dom';
import { exportButtons, type Format } from '../exports';
import { count, money, percent, plotted, plottedPercent } from '../format';
import { transitionTable } from './transitions';

type Snapshot = Schemas['PortfolioSnapshotResponse'];
type Portfolio = Schemas['PortfolioResponse'];

const BUCKETS = ['current', 'dpd_1_29', 'dpd_30_59', 'dpd_60_89', 'dpd_90_119', 'dpd_120_plus'] as const;
// Short labels keep the legend on one line at 1280 px; the panel title says they are days past due.
const BUCKET_LABELS = ['Current', '1–29', '30–59', '60–89', '90–119', '120+'];
type CurvePoint = Schemas['VintageCurvePoint'];
type Metric = 'outstanding_ratio' | 'dpd_30_plus_rate' | 'cumulative_default_rate' | 'cumulative_net_loss_rate' | 'cpr' | 'cdr';
const METRICS: [Metric, string][] = [
  ['outstanding_ratio', 'Outstanding ratio'],
  ['dpd_30_plus_rate', '30+ DPD'],
  ['cumulative_default_rate', 'Cumulative default'],
  ['cumulative_net_loss_rate', 'Cumulative net loss'],
  ['cpr', 'CPR'],
  ['cdr', 'CDR'],
];
/** Snapshots per page and the most pages read: 500 × 8 is eleven years of daily snapshots. */
const PAGE = 500;
const MAX_PAGES = 8;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
/**
 * The last 12 calendar months up to this one, as the analytics endpoints default to: at a
 * million loans each month of range costs the performance and transition queries seconds.
 */
function defaultRange(): { from: string; to: string } {
  const now = new Date();
  return { from: isoDay(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1))), to: isoDay(now) };
}

const view = { range: defaultRange(), metric: 'outstanding_ratio' as Metric, period: 'month' as 'month' | 'quarter', basis: 'months_on_book' as 'months_on_book' | 'calendar' };

function panel(title: string, id: string, ...body: (Node | null)[]): HTMLElement {
  return h('section', { class: id === 'transitions-panel' ? 'panel wide' : 'panel', 'aria-labelledby': `${id}-title` }, h('h2', { id: `${id}-title` }, title), ...body);
}

/** A figure tile: label above value. */
const figure = (label: string, value: string) => h('div', { class: 'figure' }, h('span', { class: 'label' }, label), h('span', { class: 'value' }, value));

async function allSnapshots(id: string, from: string, to: string): Promise<Snapshot[]> {
  const out: Snapshot[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const p = await must(api.GET('/portfolios/{id}/snapshots', { params: { path: { id }, query: { date_from: from, date_to: to, page, page_size: PAGE } } }));
    out.push(...p.results);
    if (!p.next) break;
  }
  return out.reverse(); // the API lists newest first; charts read left to right
}

export function portfolioPage(main: HTMLElement, id: string): void {
  const heading = h('h1', {}, 'Portfolio');
  const figures = h('div', { class: 'figures', 'aria-live': 'polite' }, loading());
  const fromInput = h('input', { type: 'date', id: 'range-from', value: view.range.from });
  const toInput = h('input', { type: 'date', id: 'range-to', value: view.range.to });
  const rangeForm = h(
    'form',
    { class: 'controls', 'aria-label': 'Date range' },
    h('label', { class: 'field', for: 'range-from' }, 'From '),
    fromInput,
    h('label', { class: 'field', for: 'range-to' }, 'To '),
    toInput,
    h('button', { type: 'submit' }, 'Apply'),
  );

  const trendBox = chartBox('trend', 'Outstanding, delinquency rate and default rate over time');
  const mixBox = chartBox('buckets', 'Outstanding balance by delinquency bucket over time, stacked');
  const vintageBox = chartBox('vintages', 'Vintage curves, one line per cohort');
  const perfBox = chartBox('performance', 'CPR, CDR and severity by month');
  const trendState = h('div', { class: 'state' }, loading());
  const mixState = h('div', { class: 'state' });
  const vintageState = h('div', { class: 'state' }, loading());
  const perfState = h('div', { class: 'state' }, loading());
  const transitionsBody = h('div', { id: 'transitions' }, loading());

  const q = () => ({ from: view.range.from.slice(0, 7), to: view.range.to.slice(0, 7) });
  // The trend and the bucket mix are both drawn from the snapshots: one export serves both.
  const snapshotFile = (format: Format) =>
    api.GET('/portfolios/{id}/snapshots', { params: { path: { id }, query: { date_from: view.range.from, date_to: view.range.to, format } }, parseAs: 'blob' });

  const loadHeader = async () => {
    try {
      const [p, latest] = await Promise.all([
        must(api.GET('/portfolios/{id}', { params: { path: { id } } })),
        must(api.GET('/portfolios/{id}/snapshots', { params: { path: { id }, query: { page_size: 1 } } })),
      ]);
      showHeader(p, latest.results[0]);
    } catch (err) {
      fill(figures, failure(err));
    }
  };
  const showHeader = (p: Portfolio, s: Snapshot | undefined) => {
    fill(heading, p.name, ' ', h('span', { class: `badge ${p.status}` }, p.status), ' ', h('span', { class: 'badge' }, p.portfolio_type));
    document.title = `${p.name} · Portfolio dashboard`;
    fill(
      figures,
      figure('Loans', count(p.loan_count)),
      figure('Outstanding', money(p.total_outstanding)),
      figure('Weighted avg. rate', percent(s?.weighted_average_rate)),
      figure('Weighted avg. term', s?.weighted_average_term == null ? '—' : `${s.weighted_average_term} months`),
      figure('Delinquency (30+)', percent(s?.delinquency_rate)),
      figure('Default', percent(s?.default_rate)),
      figure('Latest snapshot', s?.snapshot_date ?? 'none yet'),
    );
  };

  // A panel asked again (a new range, another metric) ignores the answers to its older asks.
  const asked = { snapshots: 0, vintages: 0, performance: 0 };

  const loadSnapshots = async () => {
    const ask = ++asked.snapshots;
    fill(trendState, loading());
    fill(mixState);
    try {
      const snaps = await allSnapshots(id, view.range.from, view.range.to);
      if (ask !== asked.snapshots) return;
      if (!snaps.length) {
        fill(trendState, empty('No snapshots in this date range.'));
        fill(mixState, empty('No snapshots in this date range.'));
      } else fill(trendState);
      const x = snaps.map((s) => s.snapshot_date);
      lineChart(trendBox, {
        x,
        zoom: true,
        yNames: ['Outstanding', '%'],
        series: [
          { name: 'Outstanding', data: snaps.map((s) => plotted(s.total_outstanding)) },
          { name: 'Delinquency rate %', data: snaps.map((s) => plottedPercent(s.delinquency_rate)), axis: 1 },
          { name: 'Default rate %', data: snaps.map((s) => plottedPercent(s.default_rate)), axis: 1 },
        ],
      });
      lineChart(mixBox, {
        x,
        zoom: true,
        yNames: ['Outstanding'],
        series: BUCKETS.map((b, i) => ({ name: BUCKET_LABELS[i], data: snaps.map((s) => plotted(s.by_bucket_balance[b])), stack: 'mix', area: true })),
      });
    } catch (err) {
      if (ask === asked.snapshots) fill(trendState, failure(err));
    }
  };

  const loadVintages = async () => {
    const ask = ++asked.vintages;
    fill(vintageState, loading());
    try {
      const v = await must(api.GET('/portfolios/{id}/vintages', { params: { path: { id }, query: { period: view.period, basis: view.basis } } }));
      if (ask !== asked.vintages) return;
      const key = (p: CurvePoint) => String(view.basis === 'calendar' ? p.month : p.months_on_book);
      const xs = [...new Set(v.vintages.flatMap((c) => c.curve.map(key)))].sort((a, b) => (view.basis === 'calendar' ? a.localeCompare(b) : Number(a) - Number(b)));
      fill(vintageState, v.vintages.length ? null : empty('No cohorts yet: the portfolio has no loans with month-end snapshots.'));
      lineChart(vintageBox, {
        x: xs,
        xName: view.basis === 'calendar' ? 'Month' : 'Months on book',
        yNames: ['%'],
        series: v.vintages.map((c) => ({ name: c.vintage, data: c.curve.map((p) => [key(p), plottedPercent(p[view.metric])] as [string, number | null]) })),
      });
    } catch (err) {
      if (ask === asked.vintages) fill(vintageState, failure(err));
    }
  };

  const loadPerformance = async () => {
    const ask = ++asked.performance;
    fill(perfState, loading());
    fill(transitionsBody, loading());
    const range = q();
    const [perf, trans] = await Promise.allSettled([
      must(api.GET('/portfolios/{id}/performance', { params: { path: { id }, query: range } })),
      must(api.GET('/portfolios/{id}/transitions', { params: { path: { id }, query: range } })),
    ]);
    if (ask !== asked.performance) return;
    if (perf.status === 'fulfilled') {
      const pts = perf.value.points;
      fill(perfState, pts.length ? null : empty('No month-end observations in this range.'));
      lineChart(perfBox, {
        x: pts.map((p) => p.month),
        yNames: ['%'],
        series: [
          { name: 'CPR %', data: pts.map((p) => plottedPercent(p.cpr)) },
          { name: 'CDR %', data: pts.map((p) => plottedPercent(p.cdr)) },
          { name: 'Severity %', data: pts.map((p) => plottedPercent(p.severity)) },
        ],
      });
    } else fill(perfState, failure(perf.reason));
    if (trans.status === 'fulfilled') {
      // The latest period that has loans in it (months after the last observation have none).
      const last = trans.value.periods.findLast((p) => Object.values(p.counts).some((row) => Object.values(row).some((n) => n > 0)));
      fill(transitionsBody, last ? transitionTable(trans.value.states, last) : empty('No loans observed at two consecutive month-ends in this range.'));
    } else fill(transitionsBody, failure(trans.reason));
  };

  rangeForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!fromInput.value || !toInput.value || fromInput.value > toInput.value) {
      fill(trendState, failure(new Error('Choose a start date on or before the end date.')));
      return;
    }
    view.range = { from: fromInput.value, to: toInput.value };
    void loadSnapshots();
    void loadPerformance();
  });

  const vintageControls = h(
    'div',
    { class: 'controls' },
    select('Metric', METRICS, view.metric, (m) => {
      view.metric = m as Metric;
      void loadVintages();
    }),
    select('Cohorts', [['month', 'Monthly'], ['quarter', 'Quarterly']], view.period, (p) => {
      view.period = p as typeof view.period;
      void loadVintages();
    }),
    select('Basis', [['months_on_book', 'Months on book'], ['calendar', 'Calendar month']], view.basis, (b) => {
      view.basis = b as typeof view.basis;
      void loadVintages();
    }),
  );

  fill(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/portfolios' }, '← Portfolios')),
    heading,
    figures,
    rangeForm,
    h(
      'div',
      { class: 'grid' },
      panel('Trend', 'trend', exportButtons('snapshots', snapshotFile), trendState, trendBox),
      panel('Delinquency mix (balance by days past due)', 'buckets', exportButtons('buckets', snapshotFile), mixState, mixBox),
      panel('Vintage curves', 'vintages', vintageControls, exportButtons('vintages', (format) =>
        api.GET('/portfolios/{id}/vintages', { params: { path: { id }, query: { period: view.period, basis: view.basis, format } }, parseAs: 'blob' }),
      ), vintageState, vintageBox),
      panel('Performance', 'performance', exportButtons('performance', (format) =>
        api.GET('/portfolios/{id}/performance', { params: { path: { id }, query: { ...q(), format } }, parseAs: 'blob' }),
      ), perfState, perfBox),
      panel('Latest transition matrix (roll rates by balance)', 'transitions-panel', exportButtons('transitions', (format) =>
        api.GET('/portfolios/{id}/transitions', { params: { path: { id }, query: { ...q(), format } }, parseAs: 'blob' }),
      ), transitionsBody),
    ),
  );
  // Every panel asks at once and draws when its own answer lands.
  void loadHeader();
  void loadSnapshots();
  void loadVintages();
  void loadPerformance();
}
