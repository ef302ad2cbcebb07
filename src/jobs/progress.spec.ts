import { percentOf, uuidRanges } from './progress';

describe('job progress', () => {
  it('maps done of total into a span of the percentage, rounding down', () => {
    // 250 of 1000 → 25 %.
    expect(percentOf(250, 1000)).toBe(25);
    // 999 of 1000 → 99.9 → 99: 100 only at the end.
    expect(percentOf(999, 1000)).toBe(99);
    // 5 of 10 within [0, 90] → 45.
    expect(percentOf(5, 10, 0, 90)).toBe(45);
    // Nothing to do is done: the span's end.
    expect(percentOf(0, 0, 0, 90)).toBe(90);
  });

  it('splits the uuid space into equal ranges without gaps', () => {
    // 4 ranges: 0x100000000 / 4 = 0x40000000 each.
    expect(uuidRanges(4)).toEqual([
      { lo: null, hi: '40000000-0000-0000-0000-000000000000' },
      { lo: '40000000-0000-0000-0000-000000000000', hi: '80000000-0000-0000-0000-000000000000' },
      { lo: '80000000-0000-0000-0000-000000000000', hi: 'c0000000-0000-0000-0000-000000000000' },
      { lo: 'c0000000-0000-0000-0000-000000000000', hi: null },
    ]);
    expect(uuidRanges(1)).toEqual([{ lo: null, hi: null }]);
  });
});
