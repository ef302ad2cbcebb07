import { isUtf8 } from 'node:buffer';

const LF = 0x0a;
const CR = 0x0d;

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // The allowed range of the second byte excludes overlongs (E0, F0) and surrogates (ED).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + n >= b.length) return i;
    if (b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/** Where a trailing multi-byte sequence that the next chunk may complete begins (b.length if none). */
function incompleteTail(b: Uint8Array): number {
  for (let i = b.length - 1; i >= Math.max(0, b.length - 3); i--) {
    const c = b[i];
    if ((c & 0xc0) === 0x80) continue;
    if (c < 0xc0) return b.length;
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    return i + need > b.length ? i : b.length;
  }
  return b.length;
}

export interface ByteProblem {
  line: number;
  message: string;
}

/**
 * Checks the raw bytes of an import before anything parses them: UTF-8 (node's native
 * isUtf8; the byte-by-byte scan runs only on a chunk that fails) and no line longer than
 * `maxLineBytes`, which also bounds how many columns a record can have (a line of a million
 * commas is a million fields). Knows each byte's physical line: LF, CRLF and a lone CR each
 * end one, as the import's line numbers count them.
 */
export class CsvBytes {
  private carry: Buffer = Buffer.alloc(0);
  /** Line breaks in the bytes checked so far. */
  private breaks = 0;
  /** The last checked byte was a CR whose LF may be the next chunk's first byte. */
  private pendingCr = false;
  /** Bytes of the current line in earlier chunks. */
  private run = 0;

  constructor(private readonly maxLineBytes = Infinity) {}

  /** null while the stream is fine, else the first problem. */
  push(chunk: Buffer): ByteProblem | null {
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = incompleteTail(data);
    const body = data.subarray(0, cut);
    if (!isUtf8(body)) {
      const bad = firstInvalidUtf8(body);
      return { line: this.lineAt(body, bad < 0 ? body.length : bad), message: 'is not valid UTF-8' };
    }
    const long = this.scan(body);
    if (long !== null) return long;
    this.carry = Buffer.from(data.subarray(cut));
    return null;
  }

  /** At the end of the stream: a sequence left incomplete is invalid. */
  end(): ByteProblem | null {
    return this.carry.length ? { line: this.lineAt(Buffer.alloc(0), 0), message: 'is not valid UTF-8' } : null;
  }

  private lineAt(body: Buffer, offset: number): number {
    const before = new CsvBytes();
    before.breaks = this.breaks;
    before.pendingCr = this.pendingCr;
    before.scan(body.subarray(0, offset));
    // A CR right before the bad byte ended its line: the bad byte is not an LF.
    return before.breaks + (before.pendingCr ? 1 : 0) + 1;
  }

  /** Counts line breaks and measures lines; the over-long line, if any. */
  private scan(b: Buffer): ByteProblem | null {
    if (!b.length) return null;
    if (this.pendingCr && b[0] !== LF) this.breaks++;
    this.pendingCr = false;
    // Where the current line starts, relative to b (negative: it began in an earlier chunk).
    let start = -this.run;
    let lf = b.indexOf(LF);
    let cr = b.indexOf(CR);
    while (lf >= 0 || cr >= 0) {
      const at = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
      if (at - start > this.maxLineBytes) return this.tooLong();
      if (at === lf) {
        this.breaks++;
        lf = b.indexOf(LF, at + 1);
      } else {
        if (at + 1 === b.length) this.pendingCr = true;
        else if (b[at + 1] !== LF) this.breaks++;
        cr = b.indexOf(CR, at + 1);
      }
      start = at + 1;
    }
    this.run = b.length - start;
    return this.run > this.maxLineBytes ? this.tooLong() : null;
  }

  private tooLong(): ByteProblem {
    return { line: this.breaks + (this.pendingCr ? 1 : 0) + 1, message: `has a line longer than ${this.maxLineBytes} bytes` };
  }
}
