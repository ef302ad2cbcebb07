import archiver from 'archiver';
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { cellXml, columnLetter, escapeXml, XlsxKind } from './xlsx-cells';

export interface XlsxColumn {
  header: string;
  kind: XlsxKind;
  /** Excel number format code; each kind has a default. */
  format?: string;
  /** Width in characters; by default from the header and the kind. */
  width?: number;
}

export type XlsxValue = string | number | null | undefined;

const DEFAULT_FORMAT: Record<XlsxKind, string | undefined> = {
  text: undefined,
  number: '#,##0.00',
  integer: '0',
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
};
const DEFAULT_WIDTH: Record<XlsxKind, number> = { text: 18, number: 14, integer: 10, date: 12, datetime: 20 };
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const CHUNK = 64 * 1024;

/** Sheet names: at most 31 characters, none of []:*?/\ (Excel's rules). */
const sheetName = (name: string) => name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';

/** Cell formats shared by every sheet: index 0 plain, 1 the bold header, then one per number format. */
class Styles {
  private readonly formats: string[] = [];

  indexOf(format: string | undefined): number {
    if (!format) return 0;
    let i = this.formats.indexOf(format);
    if (i < 0) i = this.formats.push(format) - 1;
    return i + 2;
  }

  xml(): string {
    const numFmts = this.formats.map((f, i) => `<numFmt numFmtId="${164 + i}" formatCode="${escapeXml(f)}"/>`).join('');
    const xfs = this.formats.map((_, i) => `<xf numFmtId="${164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`).join('');
    return (
      `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
      (this.formats.length ? `<numFmts count="${this.formats.length}">${numFmts}</numFmts>` : '') +
      '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>' +
      '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
      '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${this.formats.length + 2}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
      `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>${xfs}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    );
  }
}

/** One sheet being streamed: a bold, frozen header row, typed cells, an autofilter over the data. */
export class XlsxSheet {
  private readonly letters: string[];
  private readonly styles: number[];
  private pending = '';
  private row = 0;

  constructor(
    readonly name: string,
    private readonly columns: XlsxColumn[],
    private readonly stream: PassThrough,
    styles: Styles,
    private readonly failure: Promise<never>,
  ) {
    this.letters = columns.map((_, i) => columnLetter(i));
    this.styles = columns.map((c) => styles.indexOf(c.format ?? DEFAULT_FORMAT[c.kind]));
    const cols = columns
      .map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width ?? Math.max(DEFAULT_WIDTH[c.kind], c.header.length + 2)}" customWidth="1"/>`)
      .join('');
    this.pending =
      `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
      `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>`;
    this.pending += this.rowXml(columns.map((c) => c.header), true);
  }

  /** Rows written so far, the header included. */
  get rows(): number {
    return this.row;
  }

  /** The range the autofilter covers: header to last row, first to last column. */
  get range(): string {
    return `A1:${this.letters[this.letters.length - 1] ?? 'A'}${Math.max(this.row, 1)}`;
  }

  private rowXml(values: XlsxValue[], header = false): string {
    const r = ++this.row;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < this.columns.length; i++) {
      xml += header ? cellXml(`${this.letters[i]}${r}`, 'text', values[i], 1) : cellXml(`${this.letters[i]}${r}`, this.columns[i].kind, values[i], this.styles[i]);
    }
    return `${xml}</row>`;
  }

  /** Adds a row; resolves at once unless the zip behind it is backed up. */
  async add(values: XlsxValue[]): Promise<void> {
    this.pending += this.rowXml(values);
    if (this.pending.length >= CHUNK) await this.flush();
  }

  private async flush(): Promise<void> {
    const ok = this.stream.write(this.pending);
    this.pending = '';
    // A failed file never drains: the failure ends the wait instead.
    if (!ok) await Promise.race([once(this.stream, 'drain'), this.failure]);
  }

  destroy(err: Error): void {
    this.stream.destroy(err);
  }

  async end(): Promise<void> {
    this.pending += `</sheetData><autoFilter ref="${this.range}"/></worksheet>`;
    await this.flush();
    this.stream.end();
  }
}

/**
 * A streaming .xlsx writer: sheets are written one after another, row by row, straight into the
 * zip, so memory stays flat at a million rows. Strings are inline (no shared-string table to hold).
 * Written here rather than with exceljs because exceljs only takes JS numbers for numeric cells,
 * and a money value must go from its decimal text into the cell without becoming a float.
 */
export class XlsxWriter {
  private readonly zip = archiver('zip', { zlib: { level: 6 } });
  private readonly styles = new Styles();
  private readonly sheets: XlsxSheet[] = [];
  private readonly done: Promise<void>;
  private readonly failure: Promise<never>;
  private current?: XlsxSheet;

  constructor(out: Writable) {
    let fail: (err: Error) => void = () => undefined;
    this.failure = new Promise<never>((_, reject) => (fail = reject));
    this.failure.catch(() => undefined);
    out.on('error', fail);
    this.zip.on('error', fail);
    this.zip.on('warning', fail);
    this.done = Promise.race([once(out, 'finish').then(() => undefined), this.failure]);
    this.zip.pipe(out);
  }

  /** Starts the next sheet; the previous one must have ended. */
  addSheet(name: string, columns: XlsxColumn[]): XlsxSheet {
    const stream = new PassThrough({ highWaterMark: CHUNK * 4 });
    const sheet = new XlsxSheet(sheetName(name), columns, stream, this.styles, this.failure);
    this.sheets.push(sheet);
    this.zip.append(stream, { name: `xl/worksheets/sheet${this.sheets.length}.xml` });
    this.current = sheet;
    return sheet;
  }

  /** Writes the workbook parts that list the sheets, and closes the file. */
  async finish(): Promise<void> {
    if (!this.sheets.length) await this.addSheet('Sheet1', []).end();
    const names = this.sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
    const filters = this.sheets
      .map((s, i) => `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">'${escapeXml(s.name.replace(/'/g, "''"))}'!${s.range.replace(/([A-Z]+)(\d+)/g, '$$$1$$$2')}</definedName>`)
      .join('');
    const sheetRels = this.sheets
      .map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`)
      .join('');
    const overrides = this.sheets
      .map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
      .join('');
    const n = this.sheets.length;
    this.zip.append(
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        `${overrides}</Types>`,
      { name: '[Content_Types].xml' },
    );
    this.zip.append(
      `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      { name: '_rels/.rels' },
    );
    this.zip.append(
      `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><bookViews><workbookView/></bookViews>` +
        `<sheets>${names}</sheets><definedNames>${filters}</definedNames></workbook>`,
      { name: 'xl/workbook.xml' },
    );
    this.zip.append(
      `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">${sheetRels}` +
        `<Relationship Id="rId${n + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
      { name: 'xl/_rels/workbook.xml.rels' },
    );
    this.zip.append(this.styles.xml(), { name: 'xl/styles.xml' });
    await this.zip.finalize();
    await this.done;
  }

  /** Stops writing after a failure; the output is left incomplete for the caller to discard. */
  abort(err: Error): void {
    this.current?.destroy(err);
    this.zip.abort();
  }
}
