import Big from 'big.js';
import { fill, h } from './dom';

type Cell = Node | string | number | null;
export type Column<T> = {
  label: string;
  cell: (row: T) => Cell;
  /** A sort key: a number, a decimal string (compared exactly), or text. Without it the column does not sort. */
  key?: (row: T) => number | string | null;
  numeric?: boolean;
};

function compare(a: number | string | null, b: number | string | null, decimal: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (decimal) return new Big(a).cmp(new Big(b));
  return String(a).localeCompare(String(b));
}

/**
 * A table whose sortable headers are buttons (reachable with Tab, toggled with Enter or Space),
 * with aria-sort saying the order to screen readers.
 */
export function sortableTable<T>(caption: string, rows: T[], columns: Column<T>[], initial?: number): { table: HTMLTableElement; redraw: () => void } {
  let by = initial ?? -1;
  let dir: 1 | -1 = 1;
  const tbody = h('tbody');
  const heads = columns.map((c, i) =>
    h('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.key ? h('button', { type: 'button', class: 'sort', onclick: () => sortBy(i) }, c.label) : c.label),
  );
  const draw = () => {
    const ordered = by < 0 ? rows : [...rows].sort((a, b) => dir * compare(columns[by].key!(a), columns[by].key!(b), !!columns[by].numeric));
    fill(tbody, ...ordered.map((r) => h('tr', {}, ...columns.map((c) => h('td', { class: c.numeric ? 'num' : undefined }, c.cell(r))))));
    heads.forEach((th, i) => (i === by ? th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending') : th.removeAttribute('aria-sort')));
  };
  const sortBy = (i: number) => {
    dir = by === i ? (dir === 1 ? -1 : 1) : 1;
    by = i;
    draw();
  };
  draw();
  // Cells may read data that arrives later: redraw at most once a frame however often it is asked.
  let pending = false;
  const redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
  return { table: h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, ...heads)), tbody), redraw };
}
