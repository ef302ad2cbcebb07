import { parse } from 'csv-parse/sync';
import type { FieldError } from '../../../common/errors/domain-error';
import { breaksIn, copyText, encodeRow, isCalendarDate, lineTracker, readHeader } from './import-columns';

const HEADER = [
  'loan_number', 'borrower_name', 'program_id', 'origination_date', 'original_principal',
  'principal_balance', 'interest_rate', 'term_months',
];
const PROGRAM = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';
const GOOD = ['L-1', 'Ada', PROGRAM, '2026-01-15', '10000.00', '8000.5', '0.078', '36'];

function headerOf(fields: string[]) {
  const { header, errors } = readHeader(fields);
  expect(errors).toEqual([]);
  return header!;
}

describe('import header', () => {
  it('orders columns canonically whatever the file order', () => {
    const h = headerOf(['status', ...HEADER.slice().reverse()]);
    expect(h.columns).toEqual([...HEADER, 'status']);
    expect(h.positions[0]).toBe(8); // loan_number is the file's last column
    expect(h.positions[11]).toBe(0); // status is its first
    expect(h.positions[12]).toBe(-1); // next_payment_date is absent
    expect(h.width).toBe(9);
  });

  it('names unknown, read-only, repeated and missing columns on line 1', () => {
    const { header, errors } = readHeader([...HEADER.filter((c) => c !== 'term_months'), 'colour', 'portfolio_id', 'loan_number']);
    expect(header).toBeNull();
    expect(errors).toEqual([
      { line: 1, field: 'colour', message: 'unknown column' },
      { line: 1, field: 'portfolio_id', message: expect.stringContaining('/portfolios/{id}/loans') },
      { line: 1, field: 'loan_number', message: 'column appears more than once' },
      { line: 1, field: 'term_months', message: 'required column is missing' },
    ]);
  });
});

describe('import bounds', () => {
  it('refuses a header wider than 64 columns with one error, before naming its columns', () => {
    const { header, errors } = readHeader([...HEADER, ...Array.from({ length: 57 }, (_, i) => `x${i}`)]);
    // 8 + 57 = 65 columns > 64.
    expect(header).toBeNull();
    expect(errors).toEqual([{ line: 1, field: 'header', message: 'has 65 columns; at most 64' }]);
  });

  it('refuses an origination date before 1900-01-01', () => {
    const h = headerOf(HEADER);
    for (const [date, ok] of [['1900-01-01', true], ['1899-12-31', false], ['0001-01-01', false]] as const) {
      const errors: FieldError[] = [];
      encodeRow(h, [...GOOD.slice(0, 3), date, ...GOOD.slice(4)], 2, errors);
      expect([date, errors]).toEqual([date, ok ? [] : [{ line: 2, field: 'origination_date', message: 'must be on or after 1900-01-01' }]]);
    }
  });
});

describe('import rows', () => {
  const h = headerOf([...HEADER, 'days_past_due', 'status', 'maturity_date', 'currency']);

  it('turns a good row into COPY text with defaults for empty optional cells', () => {
    const errors: FieldError[] = [];
    // Canonical order: required columns, then currency, maturity_date, days_past_due, status.
    expect(encodeRow(h, [...GOOD, '', '', '', ''], 2, errors)).toBe(
      `2\tL-1\tAda\t${PROGRAM}\t2026-01-15\t10000.00\t8000.5\t0.078\t36\tUSD\t\\N\t0\tactive\t\\N\t\\N\t\\N\n`,
    );
    expect(errors).toEqual([]);
  });

  // Cells come in file order: …, days_past_due, status, maturity_date, currency.
  it('lists every bad cell of a row with its line', () => {
    const errors: FieldError[] = [];
    const row = ['L-1', '', 'not-a-uuid', '2026-02-30', '0.00', '1.005', '1.2', '0', '-1', 'open', '2026-13-01', 'usd'];
    expect(encodeRow(h, row, 7, errors)).toBeNull();
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [7, 'borrower_name'], [7, 'program_id'], [7, 'origination_date'], [7, 'original_principal'],
      [7, 'principal_balance'], [7, 'interest_rate'], [7, 'term_months'], [7, 'currency'],
      [7, 'maturity_date'], [7, 'days_past_due'], [7, 'status'],
    ]);
  });

  it('accepts rates 0 ≤ r < 1 and money with at most 2 decimals, never via floats', () => {
    for (const [rate, ok] of [['0', true], ['0.999999', true], ['.05', true], ['1', false], ['1.0', false], ['-0.1', false], ['1e-2', false]] as const) {
      const errors: FieldError[] = [];
      encodeRow(h, [...GOOD.slice(0, 6), rate, '36', '', '', '', ''], 2, errors);
      expect([rate, errors.length === 0]).toEqual([rate, ok]);
    }
    const errors: FieldError[] = [];
    encodeRow(h, [...GOOD.slice(0, 5), '12.345', '0.05', '36', '', '', '', ''], 3, errors);
    expect(errors).toEqual([{ line: 3, field: 'principal_balance', message: expect.stringContaining('2 decimals') }]);
  });

  it('applies the paid_off rule (balance 0 and dpd 0)', () => {
    const errors: FieldError[] = [];
    expect(encodeRow(h, [...GOOD.slice(0, 5), '0.00', '0.05', '36', '5', 'paid_off', '', ''], 4, errors)).toBeNull();
    expect(errors).toEqual([{ line: 4, field: 'days_past_due', message: 'must be 0 when status is paid_off' }]);
    const clean: FieldError[] = [];
    expect(encodeRow(h, [...GOOD.slice(0, 5), '0', '0.05', '36', '0', 'paid_off', '', ''], 5, clean)).not.toBeNull();
    expect(clean).toEqual([]);
  });

  it('refuses a row with the wrong number of fields', () => {
    const errors: FieldError[] = [];
    expect(encodeRow(h, GOOD, 9, errors)).toBeNull();
    expect(errors).toEqual([{ line: 9, field: 'row', message: 'has 8 fields; the header has 12' }]);
  });
});

describe('import helpers', () => {
  it('checks calendar dates, leap years included', () => {
    expect(['2024-02-29', '2000-02-29', '2026-12-31'].every(isCalendarDate)).toBe(true);
    expect(['2026-02-29', '1900-02-29', '2026-04-31', '2026-1-01', '0000-01-01', ''].some(isCalendarDate)).toBe(false);
  });

  it('escapes COPY text specials', () => {
    expect(copyText('plain, "quoted"')).toBe('plain, "quoted"');
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
  });

  it('numbers records by the physical line they start on, CRLF inside quotes counting once', () => {
    expect(breaksIn(['a', 'two\r\nlines', 'x\ny\rz'])).toBe(3);
    for (const eol of ['\n', '\r\n']) {
      const csv = `h1,h2${eol}1,"two${eol}lines"${eol}${eol}3,x${eol}4,"a ""q"""${eol}`;
      const track = lineTracker();
      const lines: number[] = [];
      parse(csv, {
        skip_empty_lines: true,
        on_record: (r: string[], ctx: { empty_lines: number }) => (lines.push(track.start(r, ctx.empty_lines)), r),
      });
      // header 1; the quoted line break spans 2-3; line 4 is empty; then lines 5 and 6.
      expect([eol, lines]).toEqual([eol, [1, 2, 5, 6]]);
      expect(track.next(1)).toBe(7);
    }
  });
});
