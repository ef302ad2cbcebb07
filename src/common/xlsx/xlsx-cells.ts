import Big from 'big.js';

/**
 * How one spreadsheet cell is written. Values arrive as the text the SQL already formatted
 * (`1234.50`, `2026-01-31`, `2026-01-31T10:00:00.000Z`), and numbers are written into the sheet
 * from that text, so no value ever passes through a JS float on its way into a cell.
 */
export type XlsxKind = 'text' | 'number' | 'integer' | 'date' | 'datetime';

const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;
// XML 1.0 forbids most control characters; a stray one in free text must not corrupt the file.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const DAY_MS = 86_400_000;
// Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in), 25 569 days before 1970-01-01.
const EPOCH_SERIAL = 25_569;

export const escapeXml = (s: string): string =>
  s.replace(NOT_XML, '\uFFFD').replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Whole days from Excel's epoch to a calendar date (integer arithmetic on days, not money). */
function daySerial(y: string, m: string, d: string): number {
  return Date.UTC(Number(y), Number(m) - 1, Number(d)) / DAY_MS + EPOCH_SERIAL;
}

/**
 * The `<v>` text of a numeric cell, or null when the value does not fit the kind (written as text
 * then, so nothing is silently lost). Timestamps are the day serial plus the exact fraction of the
 * day, as a decimal with 10 places (a tenth of a millisecond), computed with Big.
 */
export function serialText(kind: Exclude<XlsxKind, 'text'>, value: string): string | null {
  switch (kind) {
    case 'number':
    case 'integer':
      return DECIMAL.test(value) ? value : null;
    case 'date': {
      const m = DATE.exec(value);
      return m ? String(daySerial(m[1], m[2], m[3])) : null;
    }
    case 'datetime': {
      const m = DATETIME.exec(value);
      if (!m) return null;
      const ms = ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1000 + Number((m[7] ?? '0').padEnd(3, '0'));
      return new Big(daySerial(m[1], m[2], m[3])).plus(new Big(ms).div(DAY_MS)).toFixed(10).replace(/\.?0+$/, '');
    }
  }
}

/** One `<c>` element. `style` is the cell format's index in styles.xml. */
export function cellXml(ref: string, kind: XlsxKind, value: string | number | null | undefined, style: number): string {
  if (value === null || value === undefined || value === '') return '';
  const text = String(value);
  const v = kind === 'text' ? null : serialText(kind, text);
  if (v !== null) return `<c r="${ref}" s="${style}"><v>${v}</v></c>`;
  return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(text)}</t></is></c>`;
}
