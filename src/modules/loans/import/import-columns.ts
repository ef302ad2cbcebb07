import type { FieldError } from '../../../common/errors/domain-error';
import { isMoneyString } from '../../../common/money/decimal';
import { BORROWER_NAME_RE, CURRENCY_RE, LOAN_NUMBER_RE, MAX_DAYS_PAST_DUE, MAX_TERM_MONTHS, MIN_ORIGINATION_DATE } from '../loans.dto';
import { isZeroDecimal } from '../loan-rules';
import { isUuid } from '../../../common/ids/uuid';
import { LOAN_STATUSES } from '../loan-states';

/**
 * The CSV side of `POST /loans/import`, as pure functions: the header decides which columns
 * the file carries; each row is checked and turned into one line of COPY text for staging.
 * Rows are checked with regular expressions and integer arithmetic only: a million rows go
 * through here, and money and rates are never turned into floats.
 */

export const REQUIRED_COLUMNS = [
  'loan_number', 'borrower_name', 'program_id', 'origination_date', 'original_principal',
  'principal_balance', 'interest_rate', 'term_months',
] as const;
export const OPTIONAL_COLUMNS = [
  'currency', 'maturity_date', 'days_past_due', 'status', 'next_payment_date', 'charged_off_amount', 'recovered_amount',
] as const;
export type ImportColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
/** Staging order. Every staged row carries all of them; a column the file lacks is staged as null. */
export const IMPORT_COLUMNS: readonly ImportColumn[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** Staging column types. */
export const COLUMN_TYPES: Record<ImportColumn, string> = {
  loan_number: 'text', borrower_name: 'text', program_id: 'uuid', origination_date: 'date',
  original_principal: 'numeric(18,2)', principal_balance: 'numeric(18,2)', interest_rate: 'numeric',
  term_months: 'integer', currency: 'char(3)', maturity_date: 'date', days_past_due: 'integer',
  status: 'text', next_payment_date: 'date', charged_off_amount: 'numeric(18,2)', recovered_amount: 'numeric(18,2)',
};

export const NOT_IMPORTABLE: Record<string, string> = {
  id: 'is assigned by the service and cannot be imported',
  delinquency_bucket: 'is derived from days_past_due and cannot be imported',
  created_at: 'is read-only and cannot be imported',
  updated_at: 'is read-only and cannot be imported',
  version: 'is read-only and cannot be imported',
  portfolio_id: 'cannot be imported: membership goes through /portfolios/{id}/loans',
};

const NULL = '\\N';
const RATE_RE = /^(0|0?\.\d{1,20}|0\.)$/;
const INT_RE = /^\d{1,9}$/;
const STATUSES = new Set<string>(LOAN_STATUSES);
const COPY_SPECIAL = /[\\\n\r\t]/;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written in v[from, to) in ASCII digits, or -1. */
function digits(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** A calendar date YYYY-MM-DD that exists, checked without regex matches or Date objects (3 per row). */
export function isCalendarDate(v: string): boolean {
  if (v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return false;
  const y = digits(v, 0, 4);
  const m = digits(v, 5, 7);
  const d = digits(v, 8, 10);
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m]);
}

/** Text for COPY's text format: backslash, tab and line breaks escaped. */
export function copyText(v: string): string {
  if (!COPY_SPECIAL.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export interface ColumnRule {
  /** The error message, or null when the cell is valid. */
  check: (v: string) => string | null;
  /** The COPY text for a valid cell. */
  encode: (v: string) => string;
}

const same = (v: string) => v;
const orNull = (v: string) => (v === '' ? NULL : v);
export const date = (required: boolean, min?: string): ColumnRule => ({
  check: (v) => {
    if (v === '') return required ? 'is required' : null;
    if (!isCalendarDate(v)) return 'must be a date YYYY-MM-DD';
    // ISO dates compare as strings.
    return min !== undefined && v < min ? `must be on or after ${min}` : null;
  },
  encode: orNull,
});
export const money = (positive: boolean, fallback?: string): ColumnRule => ({
  check: (v) =>
    v === '' && fallback !== undefined
      ? null
      : !isMoneyString(v)
      ? 'must be a decimal with at most 2 decimals (e.g. 1234.50)'
      : positive && isZeroDecimal(v)
        ? 'must be greater than 0'
        : null,
  encode: (v) => (v === '' && fallback !== undefined ? fallback : v),
});
export const int = (min: number, max: number, fallback?: string): ColumnRule => ({
  check: (v) => {
    if (v === '' && fallback !== undefined) return null;
    if (!INT_RE.test(v)) return `must be a whole number from ${min} to ${max}`;
    const n = +v;
    return n < min || n > max ? `must be a whole number from ${min} to ${max}` : null;
  },
  encode: (v) => (v === '' && fallback !== undefined ? fallback : String(+v)),
});

/** The rule for a non-empty cell; an empty cell is staged as null (the importer fills it in). */
export const emptyIsNull = (rule: ColumnRule): ColumnRule => ({
  check: (v) => (v === '' ? null : rule.check(v)),
  encode: (v) => (v === '' ? NULL : rule.encode(v)),
});

export const RULES: Record<ImportColumn, ColumnRule> = {
  loan_number: { check: (v) => (LOAN_NUMBER_RE.test(v) ? null : v === '' ? 'is required' : 'must be 1 to 100 printable characters'), encode: copyText },
  borrower_name: { check: (v) => (BORROWER_NAME_RE.test(v) ? null : v === '' ? 'is required' : 'must be 1 to 200 characters'), encode: copyText },
  program_id: { check: (v) => (isUuid(v) ? null : 'must be a UUID'), encode: same },
  currency: { check: (v) => (v === '' || CURRENCY_RE.test(v) ? null : 'must be an ISO-4217 code such as USD'), encode: (v) => v || 'USD' },
  origination_date: date(true, MIN_ORIGINATION_DATE),
  maturity_date: date(false),
  original_principal: money(true),
  principal_balance: money(false),
  interest_rate: { check: (v) => (RATE_RE.test(v) ? null : 'must be a decimal fraction from 0 to below 1 (e.g. 0.078)'), encode: same },
  term_months: int(1, MAX_TERM_MONTHS),
  days_past_due: int(0, MAX_DAYS_PAST_DUE, '0'),
  status: { check: (v) => (v === '' || STATUSES.has(v) ? null : `must be one of ${LOAN_STATUSES.join(', ')}`), encode: (v) => v || 'active' },
  next_payment_date: date(false),
  charged_off_amount: money(false, '0.00'),
  recovered_amount: money(false, '0.00'),
};

/**
 * What a CSV import takes: its columns in staging order, the required ones, a check per column
 * and the columns it refuses with a reason. The loan import's is LOAN_IMPORT; the history
 * import (snapshots module) brings its own, and shares the parser, line numbers and COPY path.
 */
export interface CsvSchema<C extends string = string> {
  columns: readonly C[];
  required: readonly C[];
  types: Record<C, string>;
  rules: Record<C, ColumnRule>;
  notImportable: Record<string, string>;
}

export const LOAN_IMPORT: CsvSchema<ImportColumn> = {
  columns: IMPORT_COLUMNS, required: REQUIRED_COLUMNS, types: COLUMN_TYPES, rules: RULES, notImportable: NOT_IMPORTABLE,
};

export interface ImportHeader<C extends string = ImportColumn> {
  schema: CsvSchema<C>;
  /** The file's columns, in staging order. */
  columns: C[];
  /** For each of IMPORT_COLUMNS, its position in a record, or -1 when the file lacks it. */
  positions: number[];
  width: number;
}

/** Far more than the 15 importable columns: a wider file is refused before its names are checked. */
export const MAX_IMPORT_COLUMNS = 64;

/** Reads the header row (line 1); any problem there rejects the whole file. */
export function readHeader<C extends string = ImportColumn>(
  fields: string[],
  schema: CsvSchema<C> = LOAN_IMPORT as unknown as CsvSchema<C>,
): { header: ImportHeader<C> | null; errors: FieldError[] } {
  if (fields.length > MAX_IMPORT_COLUMNS) {
    return { header: null, errors: [{ line: 1, field: 'header', message: `has ${fields.length} columns; at most ${MAX_IMPORT_COLUMNS}` }] };
  }
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  const known = new Set<string>(schema.columns);
  fields.forEach((raw, i) => {
    const name = raw.trim();
    if (seen.has(name)) errors.push({ line: 1, field: name, message: 'column appears more than once' });
    else if (name === '') errors.push({ line: 1, field: `column ${i + 1}`, message: 'column has no name' });
    else if (schema.notImportable[name]) errors.push({ line: 1, field: name, message: schema.notImportable[name] });
    else if (!known.has(name)) errors.push({ line: 1, field: name, message: 'unknown column' });
    seen.set(name, i);
  });
  for (const c of schema.required) {
    if (!seen.has(c)) errors.push({ line: 1, field: c, message: 'required column is missing' });
  }
  if (errors.length) return { header: null, errors };
  const columns = schema.columns.filter((c) => seen.has(c));
  const positions = schema.columns.map((c) => seen.get(c) ?? -1);
  return { header: { schema, columns, positions, width: fields.length }, errors };
}

/**
 * Checks one record (physical `line`) and returns its COPY text line, or null with the
 * problems appended to `errors`. The first staging column is the line number.
 */
export function encodeRow<C extends string>(h: ImportHeader<C>, record: string[], line: number, errors: FieldError[]): string | null {
  if (record.length !== h.width) {
    errors.push({ line, field: 'row', message: `has ${record.length} fields; the header has ${h.width}` });
    return null;
  }
  let out = String(line);
  let ok = true;
  let status = '';
  let balance = '';
  let dpd = '';
  const { columns, rules } = h.schema;
  for (let i = 0; i < columns.length; i++) {
    const at = h.positions[i];
    if (at < 0) {
      out += '\t\\N';
      continue;
    }
    const column: string = columns[i];
    const v = record[at];
    const rule = rules[columns[i]];
    const problem = rule.check(v);
    if (problem !== null) {
      errors.push({ line, field: column, message: problem });
      ok = false;
      continue;
    }
    if (column === 'status') status = v;
    else if (column === 'principal_balance') balance = v;
    else if (column === 'days_past_due') dpd = v;
    out += '\t' + rule.encode(v);
  }
  if (ok && status === 'paid_off') {
    if (!isZeroDecimal(balance)) {
      errors.push({ line, field: 'principal_balance', message: 'must be 0 when status is paid_off' });
      ok = false;
    }
    if (dpd !== '' && !isZeroDecimal(dpd)) {
      errors.push({ line, field: 'days_past_due', message: 'must be 0 when status is paid_off' });
      ok = false;
    }
  }
  return ok ? out + '\n' : null;
}

/** Line breaks inside a record's fields (CRLF counts once): the lines it spans beyond its first. */
export function breaksIn(fields: string[]): number {
  let n = 0;
  for (const f of fields) {
    if (f.indexOf('\n') < 0 && f.indexOf('\r') < 0) continue;
    n += f.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return n;
}

export interface LineTracker {
  /** The physical line a record starts on; call once per record, in order. */
  start: (fields: string[], emptyLinesSoFar: number) => number;
  /** The line the next record would start on (where a parse error is). */
  next: (emptyLinesSoFar: number) => number;
}

/**
 * Physical line numbers (the header is line 1). csv-parse's own line count is off for a CRLF
 * inside a quoted field (it counts two lines), so lines are counted from the records
 * themselves, plus the empty lines csv-parse skipped.
 */
export function lineTracker(): LineTracker {
  let nextLine = 1;
  let emptySeen = 0;
  return {
    start: (fields, emptyLines) => {
      const start = nextLine + (emptyLines - emptySeen);
      emptySeen = emptyLines;
      nextLine = start + 1 + breaksIn(fields);
      return start;
    },
    next: (emptyLines) => nextLine + (emptyLines - emptySeen),
  };
}
