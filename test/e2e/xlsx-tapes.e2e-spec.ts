import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { withOrgSql } from '../factories/db';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

const COLUMNS = ['loan_number', 'principal_balance', 'original_principal', 'interest_rate', 'days_past_due', 'origination_date', 'created_at'];
const MONEY = ['principal_balance', 'original_principal', 'interest_rate'];

describe('XLSX tapes: numeric cells from decimal text (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;
  let csv: Record<string, string>[];
  let xlsx: Buffer;

  async function tape(format: string): Promise<Buffer> {
    const config = await t.http().post('/loan-tape-configs').set(bearer(admin)).send({ name: `All ${format}`, format, columns: COLUMNS });
    expect(config.status).toBe(201);
    const gen = await t.http().post(`/loan-tape-configs/${config.body.id}/generate`).set(bearer(admin)).send({});
    expect(gen.status).toBe(202);
    expect(await waitForJob(t, admin, gen.body.status_url, 60_000)).toMatchObject({ state: 'completed' });
    const res = await t
      .http()
      .get(`/loan-tapes/${gen.body.tape_id}/download`)
      .set(bearer(admin))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    return res.body as Buffer;
  }

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
    // 1 000 loans; the first two carry the cents a float would blur (0.10, 1234567.89).
    await withOrgSql(org, (c) =>
      c.query(`
        INSERT INTO loans (loan_number, borrower_name, program_id, origination_date, original_principal, principal_balance,
                           interest_rate, term_months, days_past_due)
        SELECT 'X-' || lpad(i::text, 4, '0'), 'B ' || i, '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b', date '2024-01-01' + i,
               1234567.89 + i, CASE i WHEN 1 THEN 0.10 WHEN 2 THEN 1234567.89 ELSE round((i * 7919.13) % 1000000, 2) END,
               (i % 300) / 1000.0 + 0.000123, 36, i % 200
        FROM generate_series(1, 1000) i`),
    );
    csv = parse(await tape('csv'), { columns: true }) as Record<string, string>[];
    xlsx = await tape('xlsx');
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it("stores each money and rate cell as the CSV's decimal text, digit for digit", async () => {
    const zip = await JSZip.loadAsync(xlsx);
    const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const values = new Map<string, string>();
    for (const m of sheet.matchAll(/<c r="([A-Z]+\d+)" s="\d+"><v>([^<]*)<\/v><\/c>/g)) values.set(m[1], m[2]);
    expect(csv).toHaveLength(1000);
    expect(csv[0].principal_balance).toBe('0.10');
    expect(csv[1].principal_balance).toBe('1234567.89');
    csv.forEach((row, i) => {
      // principal_balance is column B, original_principal C, interest_rate D; data starts on row 2.
      expect(values.get(`B${i + 2}`)).toBe(row.principal_balance);
      expect(values.get(`C${i + 2}`)).toBe(row.original_principal);
      expect(values.get(`D${i + 2}`)).toBe(row.interest_rate);
    });
  });

  it('opens in a spreadsheet library with numbers, dates, a frozen header, filter and widths', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.rowCount).toBe(1001);
    expect(COLUMNS.map((_, j) => ws.getRow(1).getCell(j + 1).value)).toEqual(COLUMNS);
    csv.forEach((row, i) => {
      const cells = ws.getRow(i + 2);
      for (const c of MONEY) {
        const value = cells.getCell(COLUMNS.indexOf(c) + 1).value;
        expect(typeof value).toBe('number');
        expect(value).toBe(Number(row[c])); // the reader's number is the decimal's own double, so SUM works
      }
      expect(cells.getCell(5).value).toBe(Number(row.days_past_due));
      expect(cells.getCell(6).value).toEqual(new Date(`${row.origination_date}T00:00:00.000Z`));
    });
    expect(ws.getRow(2).getCell(2).numFmt).toBe('#,##0.00');
    expect(ws.getRow(2).getCell(6).numFmt).toBe('yyyy-mm-dd');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:G1001');
    expect(ws.getColumn(1).width).toBeGreaterThan(8);
    // The timestamp column is a date-time cell too, within a millisecond of the CSV's text.
    const created = ws.getRow(2).getCell(7).value as Date;
    expect(Math.abs(created.getTime() - Date.parse(csv[0].created_at))).toBeLessThanOrEqual(1);
  });
});
