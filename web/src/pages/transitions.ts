import Big from 'big.js';
import type { Schemas } from '../api';
import { h } from '../dom';
import { count, money, percent } from '../format';

type Period = Schemas['TransitionPeriodResponse'];

const LABELS: Record<string, string> = {
  current: 'Current', dpd_1_29: '1–29', dpd_30_59: '30–59', dpd_60_89: '60–89', dpd_90_119: '90–119', default: 'Default', paid_off: 'Paid off',
};

/** One blue, lighter to darker with the rate: a single hue reads the same with any colour vision. */
function shade(rate: string | null): string {
  if (rate === null) return 'transparent';
  const alpha = new Big(rate).times(0.85).plus(0.05).toFixed(3);
  return `rgba(0, 114, 178, ${alpha})`;
}

/** The roll-rate matrix of one period as a heat-map table: rows are where loans were, columns where they went. */
export function transitionTable(states: string[], p: Period): HTMLTableElement {
  const label = (s: string) => LABELS[s] ?? s;
  return h(
    'table',
    { class: 'heat', 'data-period': `${p.from}:${p.to}` },
    h('caption', {}, `From ${p.from} month-end (rows) to ${p.to} (columns); cells are roll rates by balance, with loan counts`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'From \\ To'), ...states.map((s) => h('th', { scope: 'col', class: 'num' }, label(s))), h('th', { scope: 'col', class: 'num' }, 'Balance'))),
    h(
      'tbody',
      {},
      ...states.map((from) => {
        const total = states.reduce((sum, to) => sum.plus(p.balances[from]?.[to] ?? '0'), new Big(0)).toFixed(2);
        return h(
          'tr',
          {},
          h('th', { scope: 'row' }, label(from)),
          ...states.map((to) => {
            const rate = p.roll_rates[from]?.[to] ?? null;
            const td = h('td', { class: 'num', title: `${count(p.counts[from]?.[to])} loans, ${money(p.balances[from]?.[to])}` }, percent(rate, 1));
            td.style.backgroundColor = shade(rate);
            if (rate !== null && new Big(rate).gt(0.5)) td.classList.add('dark');
            return td;
          }),
          h('td', { class: 'num' }, money(total)),
        );
      }),
    ),
  );
}
