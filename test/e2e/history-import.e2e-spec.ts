import { withOrgSql } from '../factories/db';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

const today = () => new Date().toISOString().slice(0, 10);
const HEADER = 'loan_number,snapshot_date,principal_balance,days_past_due,status';

/** §5 history import: rules, replacement, tenancy, partitions and the recompute job. */
describe('history import (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (org: string, csv: string, role: 'admin' | 'viewer' = 'admin') =>
    t.http().post('/loan-snapshots/import').set(bearer(tokenFor(t.config, org, role))).set('Content-Type', 'text/csv').send(csv);
  const snapshotsOf = (org: string, query: string) => t.http().get(`/loan-snapshots?${query}`).set(bearer(tokenFor(t.config, org, 'viewer')));

  it('imports, fills in defaults from the loan, records the dates and recomputes portfolio snapshots', async () => {
    const org = newOrg();
    const admin = tokenFor(t.config, org, 'admin');
    const portfolio = await t.http().post('/portfolios').set(bearer(admin)).send({ name: 'H', portfolio_type: 'static' });
    const [id] = await insertLoans(org, [{ loan_number: 'H-1', origination_date: '2025-01-10', original_principal: '1000.00', interest_rate: '0.09', term_months: 24 }]);
    await t.http().post(`/portfolios/${portfolio.body.id}/loans`).set(bearer(admin)).send({ loan_ids: [id] });
    const res = await post(org, [
      `${HEADER},interest_rate,charged_off_amount,recovered_amount,next_payment_date`,
      'H-1,2025-01-31,1000.00,0,active,,,,2025-02-28',
      'H-1,2025-02-28,950.5,31,active,0.1,10.00,2.5,',
    ].join('\r\n'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ imported: 2, dates: 2, job_id: expect.any(String), status_url: `/jobs/${res.body.job_id}` });
    const stored = await snapshotsOf(org, `loan_id=${id}`);
    expect(stored.body.results).toEqual([
      {
        id: expect.any(String), loan_id: id, portfolio_id: portfolio.body.id, snapshot_date: '2025-02-28', principal_balance: '950.50',
        days_past_due: 31, delinquency_bucket: 'dpd_30_59', status: 'active', interest_rate: '0.1', next_payment_date: null,
        charged_off_amount: '10.00', recovered_amount: '2.50',
      },
      {
        id: expect.any(String), loan_id: id, portfolio_id: portfolio.body.id, snapshot_date: '2025-01-31', principal_balance: '1000.00',
        days_past_due: 0, delinquency_bucket: 'current', status: 'active', interest_rate: '0.09', next_payment_date: '2025-02-28',
        charged_off_amount: '0.00', recovered_amount: '0.00',
      },
    ]);
    expect((await waitForJob(t, admin, res.body.status_url)).state).toBe('completed');
    const snaps = await t.http().get(`/portfolios/${portfolio.body.id}/snapshots`).set(bearer(admin));
    expect(snaps.body.results.map((s: { snapshot_date: string; total_outstanding: string }) => [s.snapshot_date, s.total_outstanding]))
      .toEqual([['2025-02-28', '950.50'], ['2025-01-31', '1000.00']]);
    const observed = await withOrgSql(org, async (c) =>
      (await c.query(`SELECT snapshot_date, source FROM loan_snapshot_dates WHERE organization_id = $1 ORDER BY 1`, [org])).rows);
    expect(observed).toEqual([{ snapshot_date: '2025-01-31', source: 'import' }, { snapshot_date: '2025-02-28', source: 'import' }]);
  });

  it('re-importing a loan and date replaces the row whole', async () => {
    const org = newOrg();
    const [id] = await insertLoans(org, [{ loan_number: 'R-1', origination_date: '2025-01-10', interest_rate: '0.05' }]);
    expect((await post(org, `${HEADER},interest_rate,charged_off_amount\nR-1,2025-03-31,500.00,0,active,0.07,100.00\n`)).status).toBe(200);
    expect((await post(org, `${HEADER}\nR-1,2025-03-31,400.00,0,active\n`)).body).toMatchObject({ imported: 1, dates: 1 });
    const stored = await snapshotsOf(org, `loan_id=${id}`);
    expect(stored.body.count).toBe(1);
    // Omitted columns take the loan's current rate and 0.00, not the replaced row's values
    expect(stored.body.results[0]).toMatchObject({ principal_balance: '400.00', interest_rate: '0.05', charged_off_amount: '0.00' });
  });

  it("re-importing a date after a transfer moves the loan out of its old portfolio's snapshot of that date", async () => {
    const org = newOrg();
    const admin = tokenFor(t.config, org, 'admin');
    const [a, b] = await Promise.all(['A', 'B'].map(async (name) =>
      (await t.http().post('/portfolios').set(bearer(admin)).send({ name, portfolio_type: 'static' }).expect(201)).body.id as string));
    const [id] = await insertLoans(org, [{ loan_number: 'T-1', origination_date: '2025-01-10', portfolio_id: a }]);
    const csv = `${HEADER}\nT-1,2025-03-31,700.00,0,active\n`;
    const totals = async (p: string) => (await t.http().get(`/portfolios/${p}/snapshots`).set(bearer(admin))).body.results
      .map((s: { snapshot_date: string; total_loans: number; total_outstanding: string }) => [s.snapshot_date, s.total_loans, s.total_outstanding]);
    expect((await waitForJob(t, admin, (await post(org, csv).expect(200)).body.status_url)).state).toBe('completed');
    expect(await totals(a)).toEqual([['2025-03-31', 1, '700.00']]);
    await t.http().post(`/portfolios/${a}/transfer-loans`).set(bearer(admin)).send({ target_portfolio_id: b, loan_ids: [id] }).expect(200);
    expect((await waitForJob(t, admin, (await post(org, csv).expect(200)).body.status_url)).state).toBe('completed');
    // The row of 2025-03-31 now names B (the loan's portfolio as imported): A had no other loan that day, so it shows an empty portfolio.
    expect((await snapshotsOf(org, `loan_id=${id}`)).body.results.map((r: { portfolio_id: string }) => r.portfolio_id)).toEqual([b]);
    expect(await totals(a)).toEqual([['2025-03-31', 0, '0.00']]);
    expect(await totals(b)).toEqual([['2025-03-31', 1, '700.00']]);
  });

  it('honours Idempotency-Key: a retry with the same bytes answers the first response without importing again', async () => {
    const org = newOrg();
    const [id] = await insertLoans(org, [{ loan_number: 'K-1', origination_date: '2025-01-10' }]);
    const send = (csv: string) => t.http().post('/loan-snapshots/import').set(bearer(tokenFor(t.config, org, 'admin')))
      .set('Idempotency-Key', 'history-1').set('Content-Type', 'text/csv').send(csv);
    const first = await send(`${HEADER}\nK-1,2025-01-31,100.00,0,active\n`);
    expect(first.status).toBe(200);
    const again = await send(`${HEADER}\nK-1,2025-01-31,100.00,0,active\n`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await send(`${HEADER}\nK-1,2025-01-31,1.00,0,active\n`)).status).toBe(422);
    expect((await snapshotsOf(org, `loan_id=${id}`)).body.results[0].principal_balance).toBe('100.00');
  });

  it('rejects bad rows with their lines and writes nothing', async () => {
    const org = newOrg();
    await insertLoans(org, [{ loan_number: 'B-1', origination_date: '2025-01-10' }]);
    const res = await post(org, [
      HEADER,
      'B-1,2025-01-31,100.00,0,active', // 2: fine
      'B-404,2025-01-31,100.00,0,active', // 3: unknown loan
      `B-1,${today()},100.00,0,active`, // 4: not before today
      'B-1,2025-01-05,100.00,0,active', // 5: before origination
      'B-1,2025-01-31,90.00,0,active', // 6: repeats line 2
    ].join('\n'));
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ line: 6, field: 'loan_number', message: 'B-1 on 2025-01-31 repeats line 2' }]);
    const checked = await post(org, [HEADER, 'B-1,2025-01-31,100.00,0,active', 'B-404,2025-01-31,100.00,0,active',
      `B-1,${today()},100.00,0,active`, 'B-1,2025-01-05,100.00,0,active'].join('\n'));
    expect(checked.body.errors).toEqual([
      { line: 3, field: 'loan_number', message: 'no loan numbered B-404 exists' },
      { line: 4, field: 'snapshot_date', message: expect.stringContaining('before today') },
      { line: 5, field: 'snapshot_date', message: expect.stringContaining('origination_date (2025-01-10)') },
    ]);
    const cells = await post(org, [
      `${HEADER},recovered_amount,charged_off_amount`,
      'B-1,2025-02-30,1.001,-1,open,,', // every cell bad
      'B-1,2025-03-31,0.00,0,paid_off,5.00,1.00', // recovered above charged off
      'B-1,2025-04-30,10.00,0,paid_off,,', // paid_off with a balance
    ].join('\n'));
    expect(cells.status).toBe(422);
    expect(cells.body.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([
      [2, 'snapshot_date'], [2, 'principal_balance'], [2, 'days_past_due'], [2, 'status'], [4, 'principal_balance'],
    ]);
    const loss = await post(org, [`${HEADER},recovered_amount,charged_off_amount`, 'B-1,2025-03-31,0.00,0,paid_off,5.00,1.00'].join('\n'));
    expect(loss.body.errors).toEqual([{ line: 2, field: 'recovered_amount', message: 'must not exceed charged_off_amount (1.00)' }]);
    const header = await post(org, 'loan_number,snapshot_date,principal_balance,portfolio_id\n');
    expect(header.body.errors).toEqual([
      { line: 1, field: 'portfolio_id', message: expect.stringContaining('current portfolio') },
      { line: 1, field: 'days_past_due', message: 'required column is missing' },
      { line: 1, field: 'status', message: 'required column is missing' },
    ]);
    expect((await snapshotsOf(org, '')).body.count).toBe(0);
    expect((await post(org, `${HEADER}\nB-1,2025-01-31,1.00,0,active\n`, 'viewer')).status).toBe(403);
    const json = await t.http().post('/loan-snapshots/import').set(bearer(tokenFor(t.config, org))).send({ loan_number: 'B-1' });
    expect(json.status).toBe(415);
  });

  it("another organization's loans are unknown", async () => {
    const mine = newOrg();
    const theirs = newOrg();
    await insertLoans(theirs, [{ loan_number: 'T-1', origination_date: '2025-01-10' }]);
    const res = await post(mine, `${HEADER}\nT-1,2025-01-31,100.00,0,active\n`);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ line: 2, field: 'loan_number', message: 'no loan numbered T-1 exists' }]);
    expect((await snapshotsOf(theirs, '')).body.count).toBe(0);
  });

  it('creates the monthly partitions an old history needs', async () => {
    const org = newOrg();
    const [id] = await insertLoans(org, [{ loan_number: 'O-1', origination_date: '2008-03-01' }]);
    const res = await post(org, `${HEADER}\nO-1,2008-03-31,100.00,0,active\nO-1,2008-05-31,90.00,0,active\n`);
    expect(res.status).toBe(200);
    expect((await snapshotsOf(org, `loan_id=${id}`)).body.count).toBe(2);
    const parts = await withOrgSql(org, async (c) =>
      (await c.query(`SELECT to_regclass('loan_snapshots_2008_03') IS NOT NULL AS mar, to_regclass('loan_snapshots_2008_04') IS NOT NULL AS apr`)).rows[0]);
    // Only the months the file has (no other test file uses 2008)
    expect(parts).toEqual({ mar: true, apr: false });
  });
});
