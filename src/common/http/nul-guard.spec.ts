import { findNul } from './nul-guard';

describe('findNul', () => {
  it('names the first field holding a NUL character', () => {
    expect(findNul({ a: 'ok', b: { c: ['x', 'y\u0000z'] } })).toBe('b.c[1]');
    expect(findNul({ q: 'fine' })).toBeNull();
    expect(findNul('\u0000')).toBe('body');
    expect(findNul(undefined)).toBeNull();
  });
});
