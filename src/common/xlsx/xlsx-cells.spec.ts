import { cellXml, columnLetter, escapeXml, serialText } from './xlsx-cells';

describe('xlsx cells', () => {
  it('numbers are written from their decimal text, digit for digit', () => {
    expect(serialText('number', '0.10')).toBe('0.10'); // not 0.1 rounded through a double and back
    expect(serialText('number', '1234567.89')).toBe('1234567.89');
    expect(serialText('number', '-0.000001')).toBe('-0.000001');
    // 22 significant digits, more than a double holds (15–17): still kept as given.
    expect(serialText('number', '12345678901234567890.12')).toBe('12345678901234567890.12');
    expect(serialText('integer', '42')).toBe('42');
    expect(serialText('number', '1e5')).toBeNull(); // not a plain decimal: written as text instead
  });

  it('dates are whole days from Excel day 0 (1899-12-30)', () => {
    expect(serialText('date', '1970-01-01')).toBe('25569'); // the Unix epoch, Excel's own value
    expect(serialText('date', '2000-01-01')).toBe('36526'); // 30 years = 10 957 days after 1970: 25 569 + 10 957
    expect(serialText('date', '2024-02-29')).toBe('45351'); // leap day
    expect(serialText('date', '31/01/2026')).toBeNull();
  });

  it('timestamps add the exact fraction of the day', () => {
    expect(serialText('datetime', '2000-01-01T12:00:00.000Z')).toBe('36526.5'); // noon = 43 200 000 ms ÷ 86 400 000
    expect(serialText('datetime', '2000-01-01T06:00:00Z')).toBe('36526.25');
    // 1 ms = 1 ÷ 86 400 000 = 0.0000000115740… → 10 places: 0.0000000116
    expect(serialText('datetime', '2000-01-01T00:00:00.001Z')).toBe('36526.0000000116');
    expect(serialText('datetime', '2000-01-01T00:00:00.000Z')).toBe('36526');
  });

  it('column letters run A…Z, AA…', () => {
    expect([0, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });

  it('text is escaped, control characters replaced, empty values left out', () => {
    expect(escapeXml('a&b<c>"d"')).toBe('a&amp;b&lt;c&gt;&quot;d&quot;');
    expect(escapeXml('x\u0001y\tz')).toBe('x\uFFFDy\tz');
    expect(cellXml('A2', 'text', "'=1+1", 0)).toBe('<c r="A2" t="inlineStr"><is><t xml:space="preserve">\'=1+1</t></is></c>');
    expect(cellXml('B2', 'number', '1234.50', 3)).toBe('<c r="B2" s="3"><v>1234.50</v></c>');
    expect(cellXml('C2', 'number', null, 3)).toBe('');
    expect(cellXml('C2', 'number', 'n/a', 3)).toContain('inlineStr');
  });
});
