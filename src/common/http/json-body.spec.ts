import { exceedsJsonDepth } from './json-body';

describe('exceedsJsonDepth', () => {
  it('counts nesting of objects and arrays', () => {
    // {"a":{"b":[1]}} nests object → object → array: depth 3.
    expect(exceedsJsonDepth('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":{"b":[1]}}', 2)).toBe(true);
    // Siblings do not add up: [[],[],[]] is depth 2 however many there are.
    expect(exceedsJsonDepth('[[],[],[],[]]', 2)).toBe(false);
    expect(exceedsJsonDepth('1', 0)).toBe(false);
  });

  it('ignores brackets inside strings, including after escaped quotes and backslashes', () => {
    // The string holds \" then [[[[ ; only the outer object counts: depth 1.
    expect(exceedsJsonDepth('{"a":"\\"[[[[{{{{"}', 1)).toBe(false);
    // "x\\" ends after the escaped backslash, so the [[ after it are real: { [ [ [ is depth 4.
    expect(exceedsJsonDepth('{"a":["x\\\\",[[]]]}', 3)).toBe(true);
  });

  it('leaves an unterminated string to the parser', () => {
    expect(exceedsJsonDepth('{"a":"never closed [[[[', 1)).toBe(false);
  });

  it('stops early on a very deep body', () => {
    expect(exceedsJsonDepth('['.repeat(1_000_000), 32)).toBe(true);
  });
});
