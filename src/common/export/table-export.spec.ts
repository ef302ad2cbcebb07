import { csvField, csvOf, MONEY, TEXT } from './table-export';

describe('CSV export', () => {
  it('quotes per RFC 4180 and guards text that a spreadsheet would run', () => {
    expect(csvField('text', 'a,b')).toBe('"a,b"');
    expect(csvField('text', 'say "hi"')).toBe('"say ""hi"""');
    expect(csvField('text', '=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('text', '－1')).toBe("'－1");
    expect(csvField('number', '-0.5')).toBe('-0.5'); // numbers are never altered
    expect(csvField('number', null)).toBe('');
  });

  it('writes a header row and CRLF lines', () => {
    const csv = csvOf({ sheet: 's', columns: [{ header: 'month', ...TEXT }, { header: 'balance', ...MONEY }], rows: [['2025-01', '10.50'], ['2025-02', null]] });
    expect(csv).toBe('month,balance\r\n2025-01,10.50\r\n2025-02,\r\n');
  });
});
