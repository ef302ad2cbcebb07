import { CsvBytes, firstInvalidUtf8 } from './csv-bytes';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/** Feeds `b` in chunks of `size` bytes; the first bad line, or null. */
function problem(b: Buffer, size: number, maxLine = Infinity) {
  const u = new CsvBytes(maxLine);
  for (let i = 0; i < b.length; i += size) {
    const bad = u.push(b.subarray(i, i + size));
    if (bad !== null) return bad;
  }
  return u.end();
}
const scan = (b: Buffer, size: number) => problem(b, size)?.line ?? null;

describe('firstInvalidUtf8', () => {
  it('finds the first byte that starts no well-formed sequence', () => {
    expect(firstInvalidUtf8(bytes('ab€ü😀'))).toBe(-1);
    // 'ab' is 2 bytes, so the stray continuation byte is at offset 2.
    expect(firstInvalidUtf8(bytes('ab', [0x80]))).toBe(2);
    // Overlong '/' (C0 AF), a surrogate (ED A0 80), above U+10FFFF (F4 90 80 80), a cut sequence.
    expect(firstInvalidUtf8(bytes('x', [0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(bytes('xy', [0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8(bytes([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(bytes('€', [0xe2, 0x82]))).toBe(3);
  });
});

describe('CsvBytes', () => {
  it('accepts UTF-8 (BOM included) whatever the chunking, multi-byte characters split across chunks', () => {
    const b = bytes('\ufeffname\r\n"Zoë, 😀"\nrow€\n');
    for (const size of [1, 2, 3, 5, 64]) expect(scan(b, size)).toBeNull();
  });

  it('names the physical line of the first invalid byte: LF, CRLF and a lone CR each end a line', () => {
    // Lines: 1 "h" (LF), 2 "a" (CRLF), 3 "b" (lone CR), 4 "c" then the bad byte, still on line 4.
    const b = bytes('h\na\r\nb\rc', [0xff], '\nd\n');
    for (const size of [1, 2, 3, 4, 100]) expect([size, scan(b, size)]).toEqual([size, 4]);
    // A CR that is the very byte before the bad one still ends its line: "x" line 1, bad on line 2.
    expect(scan(bytes('x\r', [0xfe]), 2)).toBe(2);
  });

  it('treats a sequence left incomplete at the end as invalid, on its line', () => {
    // "a\nb\n" puts the cut euro sign (E2 82) on line 3.
    expect(scan(bytes('a\nb\n', [0xe2, 0x82]), 3)).toBe(3);
  });

  it('refuses a line longer than the limit, naming it, however the chunks fall', () => {
    // Line 1 "ab" (2 bytes), line 2 "abcd" (4), line 3 "abcdef" (6): with at most 5, line 3 fails.
    const b = bytes('ab\r\nabcd\nabcdef\n');
    for (const size of [1, 2, 4, 7, 100]) {
      expect([size, problem(b, size, 5)]).toEqual([size, { line: 3, message: 'has a line longer than 5 bytes' }]);
      expect([size, problem(b, size, 6)]).toEqual([size, null]);
    }
    // A last line without a break is measured too: 1 "x", 2 "yyyyyy" (6 > 5).
    expect(problem(bytes('x\nyyyyyy'), 3, 5)).toEqual({ line: 2, message: 'has a line longer than 5 bytes' });
    expect(problem(bytes([0x61, 0xff]), 1)).toEqual({ line: 1, message: 'is not valid UTF-8' });
  });
});
