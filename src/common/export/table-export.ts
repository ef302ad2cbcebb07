import { PassThrough } from 'node:stream';
import { XlsxColumn, XlsxValue, XlsxWriter } from '../xlsx/xlsx-writer';

/**
 * A small table (a performance series, a vintage grid) written as CSV or XLSX from the same
 * decimal text the JSON carries: numbers go into cells from their text, never through a float.
 */
export interface ExportTable {
  sheet: string;
  columns: XlsxColumn[];
  rows: XlsxValue[][];
}

/** Excel formats for the wire types: money 2 decimals, rates as given (General), integers, dates. */
export const MONEY: Pick<XlsxColumn, 'kind' | 'format'> = { kind: 'number', format: '#,##0.00' };
export const RATE: Pick<XlsxColumn, 'kind' | 'format'> = { kind: 'number', format: 'General' };
export const DECIMAL2: Pick<XlsxColumn, 'kind' | 'format'> = { kind: 'number', format: '0.00' };
export const INTEGER: Pick<XlsxColumn, 'kind'> = { kind: 'integer' };
export const DATE: Pick<XlsxColumn, 'kind'> = { kind: 'date' };
export const TEXT: Pick<XlsxColumn, 'kind'> = { kind: 'text' };

// §7: text a spreadsheet could run as a formula gets a leading apostrophe; numbers never do.
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One RFC 4180 field: empty for null; text formula-guarded; quoted when it must be. */
export function csvField(kind: XlsxColumn['kind'], value: XlsxValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (kind === 'text' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: a header row, CRLF line ends, UTF-8. */
export function csvOf(table: ExportTable): string {
  const line = (values: XlsxValue[], kinds: XlsxColumn['kind'][]) => values.map((v, i) => csvField(kinds[i], v)).join(',') + '\r\n';
  const kinds = table.columns.map((c) => c.kind);
  return line(table.columns.map((c) => c.header), table.columns.map(() => 'text')) + table.rows.map((r) => line(r, kinds)).join('');
}

/** One sheet per table, in order. */
export async function xlsxOf(tables: ExportTable[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = new XlsxWriter(out);
  for (const t of tables) {
    const sheet = writer.addSheet(t.sheet, t.columns);
    for (const r of t.rows) await sheet.add(r);
    await sheet.end();
  }
  await writer.finish();
  return Buffer.concat(chunks);
}
