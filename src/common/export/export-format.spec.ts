import { exportFormat, XLSX_TYPE } from './export-format';

describe('export format', () => {
  it('takes ?format= first, then the best Accept type, else JSON', () => {
    expect(exportFormat('csv', XLSX_TYPE)).toBe('csv');
    expect(exportFormat(undefined, 'text/csv')).toBe('csv');
    expect(exportFormat(undefined, `${XLSX_TYPE}`)).toBe('xlsx');
    expect(exportFormat(undefined, 'text/csv;q=0.5, application/json')).toBe('json');
    expect(exportFormat(undefined, 'text/html, text/csv;q=0.9, */*;q=0.1')).toBe('csv');
    expect(exportFormat(undefined, 'text/csv;q=0, */*')).toBe('json');
    expect(exportFormat(undefined, undefined)).toBe('json');
    expect(exportFormat(undefined, 'image/png')).toBe('json');
  });
});
