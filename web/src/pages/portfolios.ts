import { api, must, type Schemas } from '../api';
import { empty, failure, fill, h, loading, select } from '../dom';
import { count, money, percent } from '../format';
import { sortableTable } from '../table';

type Portfolio = Schemas['PortfolioResponse'];
type Latest = Schemas['PortfolioSnapshotResponse'] | null;

const filters = { status: 'active', type: '' };

/** The latest snapshot of each portfolio, a few requests at a time, each cell filled as it arrives. */
async function latestSnapshots(portfolios: Portfolio[], onEach: (id: string, s: Latest) => void): Promise<void> {
  const queue = [...portfolios];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) {
      const page = await must(api.GET('/portfolios/{id}/snapshots', { params: { path: { id: p.id }, query: { page_size: 1 } } })).catch(() => null);
      onEach(p.id, page?.results[0] ?? null);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

export function portfoliosPage(main: HTMLElement): void {
  const list = h('div', { id: 'portfolio-list' }, loading());
  const load = async () => {
    fill(list, loading());
    try {
      const query = {
        page_size: 500,
        ...(filters.status === 'all' ? { include_archived: true as const } : { status: [filters.status as Portfolio['status']] }),
        ...(filters.type ? { portfolio_type: [filters.type as Portfolio['portfolio_type']] } : {}),
      };
      const page = await must(api.GET('/portfolios', { params: { query } }));
      if (!page.results.length) return fill(list, empty('No portfolios match these filters.'));
      const latest = new Map<string, Latest>();
      // Until its snapshot arrives a cell shows an ellipsis; a portfolio without one shows a dash.
      const rate = (p: Portfolio, f: (s: NonNullable<Latest>) => string) => {
        if (!latest.has(p.id)) return h('span', { class: 'pending', 'aria-label': 'loading' }, '…');
        const s = latest.get(p.id);
        return s ? f(s) : '—';
      };
      const { table, redraw } = sortableTable<Portfolio>(`Portfolios (${count(page.count)})`, page.results, [
        { label: 'Name', cell: (p) => h('a', { href: `#/portfolios/${p.id}` }, p.name), key: (p) => p.name },
        { label: 'Type', cell: (p) => p.portfolio_type, key: (p) => p.portfolio_type },
        { label: 'Status', cell: (p) => h('span', { class: `badge ${p.status}` }, p.status), key: (p) => p.status },
        { label: 'Loans', cell: (p) => count(p.loan_count), key: (p) => p.loan_count, numeric: true },
        { label: 'Outstanding', cell: (p) => money(p.total_outstanding), key: (p) => p.total_outstanding, numeric: true },
        { label: 'Delinquency', cell: (p) => rate(p, (s) => percent(s.delinquency_rate)), key: (p) => latest.get(p.id)?.delinquency_rate ?? null, numeric: true },
        { label: 'Default', cell: (p) => rate(p, (s) => percent(s.default_rate)), key: (p) => latest.get(p.id)?.default_rate ?? null, numeric: true },
        { label: 'As of', cell: (p) => rate(p, (s) => s.snapshot_date), key: (p) => latest.get(p.id)?.snapshot_date ?? null },
      ]);
      const more = page.next ? h('p', { class: 'note' }, `Showing the first ${page.results.length}; narrow the filters to see the rest.`) : null;
      fill(list, table, more);
      await latestSnapshots(page.results, (id, s) => {
        latest.set(id, s);
        redraw();
      });
    } catch (err) {
      fill(list, failure(err));
    }
  };
  const controls = h(
    'div',
    { class: 'controls', role: 'group', 'aria-label': 'Filters' },
    select('Status', [['active', 'Active'], ['sold', 'Sold'], ['archived', 'Archived'], ['all', 'All']], filters.status, (v) => {
      filters.status = v;
      void load();
    }),
    select('Type', [['', 'Any'], ['static', 'Static'], ['dynamic', 'Dynamic']], filters.type, (v) => {
      filters.type = v;
      void load();
    }),
  );
  fill(main, h('h1', {}, 'Portfolios'), controls, list);
  void load();
}
