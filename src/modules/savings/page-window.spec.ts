import { pageWindow } from './page-window';

describe('pageWindow', () => {
  it('reads the front half from the front', () => {
    expect(pageWindow(1000, 1, 50)).toEqual({ fromEnd: false, limit: 50, offset: 0 });
    // page 10 starts at 9 × 50 = 450 ≤ 1000 ÷ 2
    expect(pageWindow(1000, 10, 50)).toEqual({ fromEnd: false, limit: 50, offset: 450 });
  });

  it('reads the back half from the end: the last page skips nothing', () => {
    // page 20 of 1000 is rows 950–999; from the end that is the first 50
    expect(pageWindow(1000, 20, 50)).toEqual({ fromEnd: true, limit: 50, offset: 0 });
    // page 11 starts at 500 = 1000 ÷ 2, still the front; page 12 is rows 550–599: from the end
    // rows 999…600 come first, so skip 1000 − 600 = 400
    expect(pageWindow(1000, 11, 50).fromEnd).toBe(false);
    expect(pageWindow(1000, 12, 50)).toEqual({ fromEnd: true, limit: 50, offset: 400 });
  });

  it('a short last page takes only what is left', () => {
    // 1001 rows: page 21 is row 1000 alone
    expect(pageWindow(1001, 21, 50)).toEqual({ fromEnd: true, limit: 1, offset: 0 });
    // 7 rows, size 2: page 4 is row 6 alone; page 3 is rows 4–5, from the end skip 7 − 6 = 1
    expect(pageWindow(7, 4, 2)).toEqual({ fromEnd: true, limit: 1, offset: 0 });
    expect(pageWindow(7, 3, 2)).toEqual({ fromEnd: true, limit: 2, offset: 1 });
  });

  it('past the last page, or with nothing, reads nothing', () => {
    expect(pageWindow(1000, 21, 50).limit).toBe(0);
    expect(pageWindow(0, 1, 50)).toEqual({ fromEnd: false, limit: 50, offset: 0 }); // the service skips the query when total is 0
  });
});
