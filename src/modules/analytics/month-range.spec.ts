import { DomainError } from '../../common/errors/domain-error';
import { monthRange } from './month-range';

const statusOf = (f: () => unknown) => {
  try {
    f();
    return 200;
  } catch (e) {
    return (e as DomainError).status;
  }
};

describe('§11 month range', () => {
  it('defaults to the last 12 calendar months up to this one', () => {
    // 2026-12 is index 2026 × 12 + 11 = 24323; 11 months earlier is 2026-01 = 24312
    expect(monthRange({}, '2026-12-01')).toEqual({ from: 24312, to: 24323 });
    expect(monthRange({ to: '2025-03' }, '2026-12-01')).toEqual({ from: 2025 * 12 + 2 - 11, to: 2025 * 12 + 2 });
  });

  it('refuses from after to, and more than 120 months', () => {
    expect(statusOf(() => monthRange({ from: '2025-02', to: '2025-01' }))).toBe(400);
    // 2016-01 … 2025-12 is 10 × 12 = 120 months: allowed; one more is not
    expect(statusOf(() => monthRange({ from: '2016-01', to: '2025-12' }))).toBe(200);
    expect(statusOf(() => monthRange({ from: '2015-12', to: '2025-12' }))).toBe(400);
  });
});
