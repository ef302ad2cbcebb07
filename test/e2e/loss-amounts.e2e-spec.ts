import { parse } from 'csv-parse/sync';
import { withOrgSql } from '../factories/db';
import { PROGRAM_A } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';
import { awayFromUtcMidnight } from '../support/clock';

const today = () => new Date().toISOString().slice(0, 10);
const HEADER = 'loan_number,borrower_name,program_id,origination_date,original_principal,principal_balance,interest_rate,term_months';

/** §11 loss amounts on loans: writable, checked, imported, snapshotted and on tapes. */
describe('loss amounts (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;

  beforeAll(async () => {
    // The tape's S counts months left from an origination on the 1st of this month: one month all through.
    await awayFromUtcMidnight(30_000);
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  const loanBody = (n: string, more: object = {}) => ({
    loan_number: n, borrower_name: 'Ada', program_id: PROGRAM_A, origination_date: `${today().slice(0, 7)}-01`,
    original_principal: '1000.00', principal_balance: '1000.00', interest_rate: '0.12', term_months: 12, ...more,
  });
  const create = (body: object) => t.http().post('/loans').set(bearer(admin)).send(body);
  const put = (id: string, body: object) => t.http().put(`/loans/${id}`).set(bearer(admin)).send(body);
  const importCsv = (csv: string) => t.http().post('/loans/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(csv);

  it('defaults to 0.00 and is writable through create and PUT', async () => {
    const a = await create(loanBody('LOSS-1'));
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ charged_off_amount: '0.00', recovered_amount: '0.00' });
    const b = await create(loanBody('LOSS-2', { status: 'charged_off', principal_balance: '0.00', charged_off_amount: '600.5', recovered_amount: '100' }));
    expect(b.body).toMatchObject({ charged_off_amount: '600.50', recovered_amount: '100.00' });
    const updated = await put(a.body.id, { charged_off_amount: '250.00', recovered_amount: '250.00' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ charged_off_amount: '250.00', recovered_amount: '250.00', version: 2 });
  });

  it('refuses bad amounts: 400 for malformed money, 422 for recoveries above charge-offs', async () => {
    const { body: loan } = await create(loanBody('LOSS-3', { charged_off_amount: '100.00' }));
    for (const bad of [{ charged_off_amount: 5 }, { recovered_amount: '1.005' }, { charged_off_amount: '-1.00' }, { charged_off_amount: null }]) {
      const res = await put(loan.id, bad);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe(Object.keys(bad)[0]);
    }
    // Stored charge-off is 100.00: a recovery of 100.01 breaks the rule, even alone in the body
    const over = await put(loan.id, { recovered_amount: '100.01' });
    expect(over.status).toBe(422);
    expect(over.body.errors).toEqual([{ field: 'recovered_amount', message: expect.stringContaining('charged_off_amount') }]);
    expect((await create(loanBody('LOSS-4', { recovered_amount: '1.00' }))).status).toBe(422);
    expect((await t.http().get(`/loans/${loan.id}`).set(bearer(admin))).body).toMatchObject({ recovered_amount: '0.00', version: 1 });
  });

  it('imports the amounts; an empty cell is 0.00; recoveries above charge-offs are rejected with their lines', async () => {
    const csv = [
      `${HEADER},charged_off_amount,recovered_amount`,
      `IMP-1,Ada,${PROGRAM_A},2025-01-01,1000.00,0.00,0.1,12,700.00,50.25`,
      `IMP-2,Ada,${PROGRAM_A},2025-01-01,1000.00,10.00,0.1,12,,`,
    ].join('\n');
    expect((await importCsv(csv)).body).toEqual({ inserted: 2, updated: 0 });
    const list = await t.http().get('/loans?loan_number=IMP-1').set(bearer(admin));
    expect(list.body.results[0]).toMatchObject({ charged_off_amount: '700.00', recovered_amount: '50.25' });
    const bad = await importCsv([`${HEADER},recovered_amount`, `IMP-1,Ada,${PROGRAM_A},2025-01-01,1000.00,0.00,0.1,12,700.01`].join('\n'));
    // The file lacks charged_off_amount, so the stored 700.00 applies
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ line: 2, field: 'recovered_amount', message: 'must not exceed charged_off_amount (700.00)' }]);
    const badNew = await importCsv([`${HEADER},charged_off_amount,recovered_amount`, `IMP-9,Ada,${PROGRAM_A},2025-01-01,1000.00,0.00,0.1,12,1.00,2.00`].join('\n'));
    expect(badNew.status).toBe(422);
    expect(badNew.body.errors[0]).toMatchObject({ line: 2, field: 'recovered_amount' });
    const badCell = await importCsv([`${HEADER},charged_off_amount`, `IMP-9,Ada,${PROGRAM_A},2025-01-01,1000.00,0.00,0.1,12,1.234`].join('\n'));
    expect(badCell.body.errors[0]).toMatchObject({ line: 2, field: 'charged_off_amount' });
  });

  it('the daily run copies them into loan snapshots, and tapes carry them with scheduled_principal', async () => {
    const run = await t.http().post('/snapshot-runs').set(bearer(admin)).send({});
    expect((await waitForJob(t, admin, run.body.status_url)).state).toBe('completed');
    const snaps = await t.http().get(`/loan-snapshots?snapshot_date=${today()}&page_size=100`).set(bearer(admin));
    const byLoan = Object.fromEntries(snaps.body.results.map((s: { loan_id: string }) => [s.loan_id, s]));
    const [imp1] = (await t.http().get('/loans?loan_number=IMP-1').set(bearer(admin))).body.results;
    expect(byLoan[imp1.id]).toMatchObject({ charged_off_amount: '700.00', recovered_amount: '50.25' });
    const observed = await withOrgSql(org, async (c) =>
      (await c.query(`SELECT snapshot_date, source FROM loan_snapshot_dates WHERE organization_id = $1`, [org])).rows);
    expect(observed).toEqual([{ snapshot_date: today(), source: 'run' }]);

    const config = await t.http().post('/loan-tape-configs').set(bearer(admin)).send({
      name: 'Losses', format: 'csv', columns: ['loan_number', 'charged_off_amount', 'recovered_amount', 'scheduled_principal'],
    });
    expect(config.status).toBe(201);
    for (const asOf of [undefined, today()]) {
      const gen = await t.http().post(`/loan-tape-configs/${config.body.id}/generate`).set(bearer(admin)).send(asOf ? { as_of_date: asOf } : {});
      expect((await waitForJob(t, admin, gen.body.status_url)).state).toBe('completed');
      const file = await t.http().get(`/loan-tapes/${gen.body.tape_id}/download`).set(bearer(admin)).buffer(true);
      const records = parse(file.text, { columns: true }) as Record<string, string>[];
      const row = (n: string) => records.find((r) => r.loan_number === n);
      // LOSS-1: 1000.00 at 12 %, originated this month, 12 months left: j = 0.01,
      // P = 10 ÷ (1 − 1.01^−12) = 88.8487886783, S = 88.8487886783 − 10 = 78.85
      expect(row('LOSS-1')).toEqual({ loan_number: 'LOSS-1', charged_off_amount: '250.00', recovered_amount: '250.00', scheduled_principal: '78.85' });
      // LOSS-2 owes nothing: S = 0 (capped at B0 = 0)
      expect(row('LOSS-2')).toMatchObject({ charged_off_amount: '600.50', recovered_amount: '100.00', scheduled_principal: '0.00' });
    }
  });
});
