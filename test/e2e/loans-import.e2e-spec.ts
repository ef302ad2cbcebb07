import { withOrgSql } from '../factories/db';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

const PROGRAM = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';
const HEADER = 'loan_number,borrower_name,program_id,origination_date,original_principal,principal_balance,interest_rate,term_months';

/** One CSV row for HEADER, with the balance given. */
const row = (n: string, balance = '900.00', name = 'Ada Lovelace') => `${n},${name},${PROGRAM},2025-05-01,1000.00,${balance},0.0525,24`;

const loanCount = (org: string) =>
  withOrgSql(org, async (c) => Number((await c.query('SELECT count(*) AS n FROM loans WHERE organization_id = $1', [org])).rows[0].n));

describe('loan import (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (org: string, csv: string, role: 'admin' | 'viewer' = 'admin') =>
    t.http().post('/loans/import').set(bearer(tokenFor(t.config, org, role))).set('Content-Type', 'text/csv').send(csv);
  const get = (org: string, path: string) => t.http().get(path).set(bearer(tokenFor(t.config, org, 'admin')));
  const loanByNumber = async (org: string, n: string) => (await get(org, `/loans?loan_number=${encodeURIComponent(n)}`)).body.results[0];

  it('inserts new loans with defaults for columns the file lacks', async () => {
    const org = newOrg();
    const res = await post(org, [HEADER, row('I-1'), row('I-2', '0.5')].join('\n') + '\n');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ inserted: 2, updated: 0 });
    expect(await loanByNumber(org, 'I-2')).toMatchObject({
      borrower_name: 'Ada Lovelace', program_id: PROGRAM, currency: 'USD', origination_date: '2025-05-01',
      original_principal: '1000.00', principal_balance: '0.50', interest_rate: '0.0525', term_months: 24,
      days_past_due: 0, delinquency_bucket: 'current', status: 'active', maturity_date: null, portfolio_id: null, version: 1,
    });
  });

  it('upserts: 100 of 500 rows changed → inserted 0, updated 100; unchanged rows count in neither', async () => {
    const org = newOrg();
    const numbers = Array.from({ length: 500 }, (_, i) => `U-${String(i).padStart(4, '0')}`);
    const first = await post(org, [HEADER, ...numbers.map((n) => row(n))].join('\n'));
    expect(first.body).toEqual({ inserted: 500, updated: 0 });

    // Every fifth row gets a new balance; the rest are byte-for-byte the same.
    const changed = [HEADER, ...numbers.map((n, i) => row(n, i % 5 === 0 ? '850.25' : '900.00'))].join('\n');
    const second = await post(org, changed);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ inserted: 0, updated: 100 });
    expect(await loanByNumber(org, 'U-0000')).toMatchObject({ principal_balance: '850.25', version: 2 });
    expect(await loanByNumber(org, 'U-0001')).toMatchObject({ principal_balance: '900.00', version: 1 });

    // Equal values written differently ("900" for "900.00", "0.05250") are no change either.
    const again = await post(org, [HEADER, row('U-0001', '900').replace('0.0525', '0.05250')].join('\n'));
    expect(again.body).toEqual({ inserted: 0, updated: 0 });
    expect(await loanCount(org)).toBe(500);
  });

  it('keeps stored values of optional columns the file lacks, and writes those it has', async () => {
    const org = newOrg();
    const full = `${HEADER},days_past_due,status,next_payment_date,currency\n${row('K-1')},130,defaulted,2026-02-01,EUR\n`;
    expect((await post(org, full)).body).toEqual({ inserted: 1, updated: 0 });
    expect((await post(org, `${HEADER}\n${row('K-1', '700.00')}\n`)).body).toEqual({ inserted: 0, updated: 1 });
    expect(await loanByNumber(org, 'K-1')).toMatchObject({
      principal_balance: '700.00', days_past_due: 130, delinquency_bucket: 'dpd_120_plus', status: 'defaulted',
      next_payment_date: '2026-02-01', currency: 'EUR', version: 2,
    });
    // Present but empty: a nullable date is cleared, status takes its default.
    expect((await post(org, `${HEADER},next_payment_date,status,days_past_due\n${row('K-1', '700.00')},,,0\n`)).body).toEqual({ inserted: 0, updated: 1 });
    expect(await loanByNumber(org, 'K-1')).toMatchObject({ next_payment_date: null, status: 'active', days_past_due: 0 });
  });

  it('rejects the whole file for a bad row on line 7, writing nothing', async () => {
    const org = newOrg();
    await insertLoans(org, [{ loan_number: 'B-1', principal_balance: '5.00' }]);
    const lines = [HEADER, row('B-1', '1.00'), row('B-2'), row('B-3'), row('B-4'), row('B-5'), row('B-6', '12.345'), row('B-7')];
    const res = await post(org, lines.join('\n'));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([{ line: 7, field: 'principal_balance', message: expect.stringContaining('2 decimals') }]);
    expect(await loanCount(org)).toBe(1);
    expect((await loanByNumber(org, 'B-1')).principal_balance).toBe('5.00');
  });

  it('reads RFC 4180 quoting: commas, doubled quotes and newlines inside a field; numbers physical lines', async () => {
    const org = newOrg();
    const name = 'O\'Brien, "Bud"\nSecond line, too';
    const quoted = `"${name.replace(/"/g, '""')}"`;
    const csv = `\ufeff${HEADER}\r\n${row('Q-1', '900.00', quoted)}\r\n${row('Q-2', '900.00', '"plain"')}\r\n`;
    const ok = await post(org, csv);
    expect(ok.body).toEqual({ inserted: 2, updated: 0 });
    expect((await loanByNumber(org, 'Q-1')).borrower_name).toBe(name);
    expect((await loanByNumber(org, 'Q-2')).borrower_name).toBe('plain');

    // The quoted name spans lines 2-3, so the bad row after it is line 4.
    const bad = await post(newOrg(), `${HEADER}\n${row('Q-3', '1.00', quoted)}\n${row('Q-4', 'ten')}\n`);
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ line: 4, field: 'principal_balance', message: expect.any(String) }]);
  });

  it('rejects an unknown column, a read-only column and a missing required column on line 1', async () => {
    const org = newOrg();
    const res = await post(org, `${HEADER},colour,portfolio_id\n${row('H-1')},red,\n`);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { line: 1, field: 'colour', message: 'unknown column' },
      { line: 1, field: 'portfolio_id', message: expect.stringContaining('/portfolios/{id}/loans') },
    ]);
    const missing = await post(org, `loan_number,borrower_name\nH-2,Ada\n`);
    expect(missing.status).toBe(422);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'program_id', 'origination_date', 'original_principal', 'principal_balance', 'interest_rate', 'term_months',
    ]);
    expect(await loanCount(org)).toBe(0);
  });

  it('rejects a loan_number repeated within the file, listing the lines', async () => {
    const org = newOrg();
    const res = await post(org, [HEADER, row('D-1'), row('D-2'), row('D-1'), row('D-3'), row('D-1')].join('\n'));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { line: 4, field: 'loan_number', message: 'D-1 repeats line 2' },
      { line: 6, field: 'loan_number', message: 'D-1 repeats line 2' },
    ]);
    expect(await loanCount(org)).toBe(0);
  });

  it('lists at most 100 errors', async () => {
    const res = await post(newOrg(), [HEADER, ...Array.from({ length: 150 }, (_, i) => row(`E-${i}`, 'x'))].join('\n'));
    expect(res.status).toBe(422);
    expect(res.body.errors).toHaveLength(100);
    expect(res.body.errors[99]).toEqual({ line: 101, field: 'principal_balance', message: expect.any(String) });
  });

  it('checks the paid_off rule against stored values of columns the file lacks', async () => {
    const org = newOrg();
    await insertLoans(org, [{ loan_number: 'P-1', days_past_due: 5 }]);
    const res = await post(org, `${HEADER},status\n${row('P-1', '0.00')},paid_off\n`);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ line: 2, field: 'days_past_due', message: expect.stringContaining('paid_off') }]);
  });

  it('records one audit event with the counts', async () => {
    const org = newOrg();
    await post(org, [HEADER, row('A-1'), row('A-2'), row('A-3')].join('\n'));
    const audit = await get(org, '/audit-events?action=loan.import');
    expect(audit.body.count).toBe(1);
    expect(audit.body.results[0]).toMatchObject({
      resource_type: 'loan',
      actor_subject: 'user-admin',
      details: { inserted: 3, updated: 0, unchanged: 0 },
    });
    expect((await get(org, '/audit-events?resource_type=loan')).body.count).toBe(1);
  });

  it('answers 415 for JSON, 422 for an empty file, 403 for a viewer', async () => {
    const org = newOrg();
    const json = await t.http().post('/loans/import').set(bearer(tokenFor(t.config, org))).send({ rows: [] });
    expect(json.status).toBe(415);
    const empty = await post(org, '');
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0]).toMatchObject({ line: 1, field: 'header' });
    expect((await post(org, `${HEADER}\n${row('V-1')}\n`, 'viewer')).status).toBe(403);
    expect((await post(org, `${HEADER}\n`)).body).toEqual({ inserted: 0, updated: 0 });
  });

  it('rejects malformed CSV (an unclosed quote) with its line', async () => {
    const res = await post(newOrg(), `${HEADER}\n${row('M-1')}\n${row('M-2', '1.00', '"unclosed')}\n`);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ line: 3, field: 'csv', message: expect.stringMatching(/quote/i) }]);
  });
});
