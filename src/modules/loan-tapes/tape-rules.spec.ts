import {
  configIdOfScheduler,
  jsonKeys,
  jsonLine,
  monthIndex,
  monthsOnBook,
  remainingTermMonths,
  scheduleCron,
  schedulerId,
  storageKey,
  tapeFileName,
  XLSX_MAX_ROWS,
  xlsxRowLimitProblem,
} from './tape-rules';

describe('months on book', () => {
  it('counts whole months from the origination month to the as-of month', () => {
    // 2026 × 12 + 3 = 24315; 2025 × 12 + 11 = 24311; 24315 − 24311 = 4
    expect(monthIndex('2026-03-31')).toBe(24315);
    expect(monthsOnBook('2025-11-30', '2026-03-01')).toBe(4);
    // Same month: 0, whatever the days (Jan 31 → Jan 1 of the same month is still month 0).
    expect(monthsOnBook('2026-01-31', '2026-01-01')).toBe(0);
    // Day of month does not matter: Jan 31 → Feb 1 is one month on book.
    expect(monthsOnBook('2026-01-31', '2026-02-01')).toBe(1);
    // Across a year: 2024-06 → 2026-05 = (2026 − 2024) × 12 + (5 − 6) = 23
    expect(monthsOnBook('2024-06-15', '2026-05-20')).toBe(23);
  });

  it('is 0 for a loan originated after the as-of month', () => {
    expect(monthsOnBook('2026-04-01', '2026-03-31')).toBe(0);
  });

  it('remaining term is term − months on book, never below 0', () => {
    // 36 − 23 = 13
    expect(remainingTermMonths(36, monthsOnBook('2024-06-15', '2026-05-20'))).toBe(13);
    // 12 − 23 = −11 → 0
    expect(remainingTermMonths(12, 23)).toBe(0);
    expect(remainingTermMonths(24, 24)).toBe(0);
  });
});

describe('XLSX row limit', () => {
  it("allows Excel's 1 048 576 rows including the header and refuses one more", () => {
    expect(XLSX_MAX_ROWS).toBe(1_048_576);
    expect(xlsxRowLimitProblem(0)).toBeNull();
    expect(xlsxRowLimitProblem(1_048_575)).toBeNull(); // + header = 1 048 576
    expect(xlsxRowLimitProblem(1_048_576)).toMatch(/at most 1048576 rows including the header; this tape needs 1048577/);
    expect(xlsxRowLimitProblem(5_000_000)).toMatch(/csv or json/);
  });
});

describe('schedules', () => {
  it('turns a schedule and hour into a UTC cron', () => {
    expect(scheduleCron('none', 6)).toBeNull();
    expect(scheduleCron('daily', 6)).toBe('0 6 * * *');
    expect(scheduleCron('weekly', 0)).toBe('0 0 * * 1');
    expect(scheduleCron('monthly', 23)).toBe('0 23 1 * *');
  });

  it('names schedulers without ":" and reads the config id back', () => {
    const id = '5f0c1b8e-2a8e-4c3e-9b1d-0d3c2b1a0f9e';
    expect(schedulerId(id)).toBe(`tape-${id}`);
    expect(schedulerId(id)).not.toContain(':');
    expect(configIdOfScheduler(schedulerId(id))).toBe(id);
    expect(configIdOfScheduler('daily-snapshots')).toBeNull();
  });
});

describe('file names and keys', () => {
  const tape = 'a1b2c3d4-0000-4000-8000-000000000000';

  it('builds a safe download name from the config name', () => {
    expect(tapeFileName('Monthly Investor Report', '2026-01-31', tape, 'csv')).toBe('monthly-investor-report-2026-01-31-a1b2c3d4.csv');
    expect(tapeFileName('"; rm -rf / ../x', '2026-01-31', tape, 'json')).toBe('rm-rf-x-2026-01-31-a1b2c3d4.jsonl');
    expect(tapeFileName('Prêt €', '2026-01-31', tape, 'xlsx')).toBe('pret-2026-01-31-a1b2c3d4.xlsx');
    expect(tapeFileName('日本', '2026-01-31', tape, 'csv')).toBe('loan-tape-2026-01-31-a1b2c3d4.csv');
  });

  it('keys files by organization and tape id only', () => {
    expect(storageKey('ORG-1', tape, 'json')).toBe(`org-1/${tape}.jsonl`);
  });
});

describe('JSON Lines', () => {
  it('writes one object per line with the column names as keys, null for missing values', () => {
    const keys = jsonKeys(['loan_number', 'principal_balance', 'days_past_due', 'maturity_date']);
    expect(jsonLine(keys, ['L-1', '1234.50', 3, null])).toBe(
      '{"loan_number":"L-1","principal_balance":"1234.50","days_past_due":3,"maturity_date":null}\n',
    );
    const line = jsonLine(jsonKeys(['borrower_name']), ['Zoë "Q" \n Ünïcødé ✓']);
    expect(JSON.parse(line)).toEqual({ borrower_name: 'Zoë "Q" \n Ünïcødé ✓' });
  });
});
