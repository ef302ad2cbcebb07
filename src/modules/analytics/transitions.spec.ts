import { BOOK } from './analytics-fixture';
import { STATES, stateOf, transitionSeries } from './transitions';

const zeros = () => Object.fromEntries(STATES.map((s) => [s, 0]));

describe('§11 transitions', () => {
  it('puts each month-end in one state', () => {
    expect(stateOf({ status: 'paid_off', days_past_due: 0 })).toBe('paid_off');
    expect(stateOf({ status: 'active', days_past_due: 120 })).toBe('default');
    expect(stateOf({ status: 'defaulted', days_past_due: 0 })).toBe('default');
    expect(stateOf({ status: 'active', days_past_due: 119 })).toBe('dpd_90_119');
    expect(stateOf({ status: 'active', days_past_due: 0 })).toBe('current');
  });

  const [janFeb, febMar, marApr] = transitionSeries(BOOK, '2025-01', '2025-04');

  it('counts and M−1 balances of Jan → Feb, with roll rates per row', () => {
    expect(janFeb.from).toBe('2025-01');
    expect(janFeb.to).toBe('2025-02');
    // A current → paid_off 1000, B current → default 2000, D current → current 500; C dpd_30_59 → current 1000
    expect(janFeb.counts.current).toEqual({ ...zeros(), paid_off: 1, default: 1, current: 1 });
    expect(janFeb.counts.dpd_30_59).toEqual({ ...zeros(), current: 1 });
    expect(janFeb.balances.current).toMatchObject({ paid_off: '1000.00', default: '2000.00', current: '500.00', dpd_1_29: '0.00' });
    expect(janFeb.roll_rates.current).toMatchObject({
      paid_off: '0.285714', // 1000 ÷ 3500
      default: '0.571429', // 2000 ÷ 3500
      current: '0.142857', // 500 ÷ 3500
      dpd_1_29: '0',
    });
    expect(janFeb.roll_rates.dpd_30_59.current).toBe('1'); // 1000 ÷ 1000
    // Every state appears in every map; an empty row has null roll rates
    expect(Object.keys(janFeb.roll_rates)).toEqual([...STATES]);
    expect(janFeb.roll_rates.default).toEqual(Object.fromEntries(STATES.map((s) => [s, null])));
  });

  it('a row whose balances sum to 0 has null roll rates, though it has loans', () => {
    // A paid_off → paid_off with balance 0
    expect(febMar.counts.paid_off.paid_off).toBe(1);
    expect(febMar.roll_rates.paid_off.paid_off).toBeNull();
    expect(febMar.counts.default.default).toBe(1); // B, 2000
    expect(febMar.roll_rates.default.default).toBe('1');
    expect(febMar.counts.current.current).toBe(2); // C 800 + D 400
    expect(febMar.balances.current.current).toBe('1200.00');
  });

  it('only loans observed in both months count', () => {
    // April observes A alone
    expect(marApr.counts.paid_off.paid_off).toBe(1);
    expect(STATES.reduce((n, a) => n + STATES.reduce((m, b) => m + marApr.counts[a][b], 0), 0)).toBe(1);
  });
});
