import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Observation } from '../../src/modules/analytics/loan-month';
import { performanceSeries } from '../../src/modules/analytics/pool-figures';
import { STATES, transitionSeries } from '../../src/modules/analytics/transitions';
import { computeVintages, VintageLoan, VintageSnapshot } from '../../src/modules/snapshots/vintage-curves';
import { PROGRAM_A } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

/**
 * A small history through the history import, with every §11 figure worked by hand.
 * Three loans of portfolio P, all originated 2025-01-10, four month-ends (Jan–Apr 2025):
 *   X 2000 at 0 %, 10 months: 2000 → 1800 → paid off (0) → still observed, paid off.
 *   Y 1000 at 0 %, 10 months: 1000 → 950 (45 dpd) → defaulted (950, 75 dpd) → charged off (0; 950 off, 200 recovered).
 *   Z 1000 at 12 %, 12 months: 1000 → 900 → 800 → 700.
 * Scheduled principal S (from the M−1 observation): X and Y at 0 % are B0 ÷ n; Z at j = 0.01:
 *   Feb n = 12: P = 10 ÷ (1 − 1.01^−12) = 88.8487886783, S = 78.85
 *   Mar n = 11: P = 9 ÷ (1 − 1.01^−11) = 86.8086681401, S = 77.81
 *   Apr n = 10: P = 8 ÷ (1 − 1.01^−10) = 84.4656612409, S = 76.47
 */
const CSV = [
  'loan_number,snapshot_date,principal_balance,days_past_due,status,charged_off_amount,recovered_amount',
  'X,2025-01-31,2000.00,0,active,,', 'Y,2025-01-31,1000.00,0,active,,', 'Z,2025-01-31,1000.00,0,active,,',
  // Mid-month: not the month-end observation, the 28th is
  'X,2025-02-15,1900.00,0,active,,',
  'X,2025-02-28,1800.00,0,active,,', 'Y,2025-02-28,950.00,45,active,,', 'Z,2025-02-28,900.00,0,active,,',
  'X,2025-03-31,0.00,0,paid_off,,', 'Y,2025-03-31,950.00,75,defaulted,,', 'Z,2025-03-31,800.00,0,active,,',
  'X,2025-04-30,0.00,0,paid_off,,', 'Y,2025-04-30,0.00,105,charged_off,950.00,200.00', 'Z,2025-04-30,700.00,0,active,,',
  // Another portfolio's loan: never in P's figures
  'W,2025-02-28,5000.00,200,defaulted,,', 'W,2025-03-31,5000.00,230,defaulted,,',
].join('\n');

const LOANS = {
  X: { original_principal: '2000.00', interest_rate: '0', term_months: 10, principal_balance: '0.00', status: 'paid_off' },
  Y: { original_principal: '1000.00', interest_rate: '0', term_months: 10, principal_balance: '0.00', status: 'charged_off', days_past_due: 105, charged_off_amount: '950.00', recovered_amount: '200.00' },
  Z: { original_principal: '1000.00', interest_rate: '0.12', term_months: 12, principal_balance: '700.00' },
  W: { original_principal: '5000.00', interest_rate: '0.2', term_months: 24, principal_balance: '5000.00', status: 'defaulted', days_past_due: 230 },
};

/** The same month-ends as pure observations, for the calculators. */
function observations(): Observation[] {
  const monthEnds = CSV.split('\n').slice(1).filter((l) => !l.startsWith('W') && !l.includes('-02-15'));
  return monthEnds.map((line) => {
    const [loan, date, balance, dpd, status, co, rec] = line.split(',');
    const l = LOANS[loan as 'X' | 'Y' | 'Z'];
    return {
      loan_id: loan, month: date.slice(0, 7), origination_date: '2025-01-10', original_principal: l.original_principal,
      principal_balance: balance, interest_rate: l.interest_rate, term_months: l.term_months, days_past_due: Number(dpd), status,
      charged_off_amount: co || '0.00', recovered_amount: rec || '0.00',
    };
  });
}

/** The same history for the pure vintage definition: every snapshot (the mid-month one too) and the loans' current state. */
function vintageInputs(): { loans: VintageLoan[]; snapshots: VintageSnapshot[] } {
  const loans = (['X', 'Y', 'Z'] as const).map((id) => ({ id, origination_date: '2025-01-10', days_past_due: 0, status: 'active', ...LOANS[id] }));
  const snapshots = CSV.split('\n').slice(1).filter((l) => !l.startsWith('W')).map((line) => {
    const [loan_id, snapshot_date, principal_balance, dpd, status, co, rec] = line.split(',');
    return { loan_id, snapshot_date, principal_balance, days_past_due: Number(dpd), status, charged_off_amount: co || '0.00', recovered_amount: rec || '0.00' };
  });
  return { loans, snapshots };
}

describe('analytics (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;
  let pid: string;

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
    pid = (await t.http().post('/portfolios').set(bearer(admin)).send({ name: 'P', portfolio_type: 'static' })).body.id;
    const other = (await t.http().post('/portfolios').set(bearer(admin)).send({ name: 'Other', portfolio_type: 'static' })).body.id;
    const ids: Record<string, string> = {};
    for (const [n, l] of Object.entries(LOANS)) {
      const res = await t.http().post('/loans').set(bearer(admin)).send({
        loan_number: n, borrower_name: n, program_id: PROGRAM_A, origination_date: '2025-01-10', ...l,
      });
      if (res.status !== 201) throw new Error(`loan ${n}: ${JSON.stringify(res.body)}`);
      ids[n] = res.body.id;
    }
    await t.http().post(`/portfolios/${pid}/loans`).set(bearer(admin)).send({ loan_ids: [ids.X, ids.Y, ids.Z] }).expect(200);
    await t.http().post(`/portfolios/${other}/loans`).set(bearer(admin)).send({ loan_ids: [ids.W] }).expect(200);
    const imported = await t.http().post('/loan-snapshots/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(CSV);
    if (imported.body.imported !== 15 || imported.body.dates !== 5) throw new Error(`import: ${JSON.stringify(imported.body)}`);
    const job = await waitForJob(t, admin, imported.body.status_url);
    if (job.state !== 'completed') throw new Error(`recompute job: ${JSON.stringify(job)}`);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (path: string) => t.http().get(path).set(bearer(tokenFor(t.config, org, 'viewer')));

  it('performance: the hand-computed series, equal to the pure calculators', async () => {
    const res = await get(`/portfolios/${pid}/performance?from=2024-12&to=2025-05`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ portfolio_id: pid, points: performanceSeries(observations(), '2024-12', '2025-05') });
    const [jan, feb, mar, apr] = res.body.points;
    expect(res.body.points).toHaveLength(4); // December and May have no observations
    expect(jan).toEqual({
      month: '2025-01', loan_count: 3, balance: '4000.00', pool_factor: '1',
      wac: '0.03', // 0.12 × 1000 ÷ 4000
      wala: '0.00', wam: '10.50', // (10 × 2000 + 10 × 1000 + 12 × 1000) ÷ 4000
      smm: null, cpr: null, mdr: null, cdr: null, // nothing observed in December
      dpd_30_plus_rate: '0', dpd_60_plus_rate: '0', dpd_90_plus_rate: '0',
      cumulative_gross_loss_rate: '0', cumulative_net_loss_rate: '0', severity: null,
    });
    expect(feb).toEqual({
      month: '2025-02', loan_count: 3, balance: '3650.00', // 1800 + 950 + 900
      pool_factor: '0.9125', // 3650 ÷ 4000
      wac: '0.029589', // 0.12 × 900 ÷ 3650 = 0.0295890…
      wala: '1.00', wam: '9.49', // (9 × 1800 + 9 × 950 + 11 × 900) ÷ 3650 = 34650 ÷ 3650 = 9.4931…
      // U: X 2000 − 200 − 1800 = 0, Y max(1000 − 100 − 950, 0) = 0, Z 1000 − 78.85 − 900 = 21.15
      // Σ(B0 − S) = 1800 + 900 + 921.15 = 3621.15; smm = 21.15 ÷ 3621.15 = 0.0058406859…
      smm: '0.005841', cpr: '0.06788', // 1 − (1 − 0.0058406859…)^12 = 0.0678799968…
      mdr: '0', cdr: '0', // nothing newly defaulted among 4000 active
      dpd_30_plus_rate: '0.260274', // 950 ÷ 3650
      dpd_60_plus_rate: '0', dpd_90_plus_rate: '0',
      cumulative_gross_loss_rate: '0', cumulative_net_loss_rate: '0', severity: null,
    });
    expect(mar).toMatchObject({
      balance: '1750.00', pool_factor: '0.4375', // 0 + 950 + 800 = 1750; ÷ 4000
      wam: '8.91', // (8 × 950 + 10 × 800) ÷ 1750 = 8.9142…
      // U: X 1800 − 200 − 0 = 1600 (paid off), Z 900 − 77.81 − 800 = 22.19; Σ(B0 − S) = 1600 + 822.19 = 2422.19
      smm: '0.66972', // 1622.19 ÷ 2422.19 = 0.669720…
      mdr: '0.260274', // Y's 950 newly defaulted ÷ (1800 + 950 + 900)
      dpd_30_plus_rate: '0.542857', dpd_60_plus_rate: '0.542857', // 950 ÷ 1750
    });
    expect(apr).toMatchObject({
      loan_count: 3, balance: '700.00', pool_factor: '0.175', wac: '0.12', wala: '3.00', wam: '9.00',
      smm: '0.032521', // Z alone: (800 − 76.47 − 700 = 23.53) ÷ 723.53 = 0.0325211…
      mdr: '0', // X paid off and Y in default at M−1 are not active; Z did not default
      cumulative_gross_loss_rate: '0.2375', // 950 ÷ 4000
      cumulative_net_loss_rate: '0.1875', // (950 − 200) ÷ 4000
      severity: '0.789474', // 750 ÷ 950
    });
  });

  it('transitions: the hand-computed matrices, equal to the pure calculators', async () => {
    const res = await get(`/portfolios/${pid}/transitions?from=2025-01&to=2025-04`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ portfolio_id: pid, states: [...STATES], periods: transitionSeries(observations(), '2025-01', '2025-04') });
    const [janFeb, febMar, marApr] = res.body.periods;
    // Jan → Feb: X and Z current → current (2000 + 1000), Y current → dpd_30_59 (1000)
    expect(janFeb.counts.current).toMatchObject({ current: 2, dpd_30_59: 1, paid_off: 0 });
    expect(janFeb.balances.current).toMatchObject({ current: '3000.00', dpd_30_59: '1000.00' });
    expect(janFeb.roll_rates.current).toMatchObject({ current: '0.75', dpd_30_59: '0.25', default: '0' });
    expect(janFeb.roll_rates.dpd_30_59.current).toBeNull(); // empty row
    // Feb → Mar: X current → paid_off (1800), Z current → current (900), Y dpd_30_59 → default (950)
    expect(febMar.roll_rates.current).toMatchObject({ paid_off: '0.666667', current: '0.333333' }); // 1800 ÷ 2700, 900 ÷ 2700
    expect(febMar.roll_rates.dpd_30_59.default).toBe('1');
    // Mar → Apr: X paid_off → paid_off with balance 0: its row has a loan but null roll rates
    expect(marApr.counts.paid_off.paid_off).toBe(1);
    expect(marApr.roll_rates.paid_off.paid_off).toBeNull();
    expect(marApr.balances.default.default).toBe('950.00');
  });

  it('vintages: the hand-computed §11 curve points, by months on book and by calendar month', async () => {
    const res = await get(`/portfolios/${pid}/vintages`);
    expect(res.status).toBe(200);
    const { loans, snapshots } = vintageInputs();
    expect(res.body).toEqual({ portfolio_id: pid, period: 'month', vintages: computeVintages(loans, snapshots, 'month') });
    const [cohort] = res.body.vintages;
    expect(cohort).toMatchObject({
      vintage: '2025-01', loan_count: 3, original_principal: '4000.00', outstanding: '700.00',
      delinquency_rate: '0', default_rate: '0.25', // today: Y (charged off) 1000 ÷ 4000
    });
    // P = 4000; every figure ÷ P except the four rates, which are the pool's of that month (one cohort, one month)
    expect(cohort.curve).toEqual([
      { months_on_book: 0, outstanding_ratio: '1', dpd_30_plus_rate: '0', cumulative_default_rate: '0', smm: null, cpr: null, mdr: null, cdr: null,
        dpd_60_plus_rate: '0', dpd_90_plus_rate: '0', cumulative_net_loss_rate: '0' },
      { months_on_book: 1, outstanding_ratio: '0.9125', dpd_30_plus_rate: '0.2375', // 3650 ÷ P; Y 950 ÷ P
        cumulative_default_rate: '0', smm: '0.005841', cpr: '0.06788', mdr: '0', cdr: '0',
        dpd_60_plus_rate: '0', dpd_90_plus_rate: '0', cumulative_net_loss_rate: '0' },
      { months_on_book: 2, outstanding_ratio: '0.4375', dpd_30_plus_rate: '0.2375', // 1750 ÷ P; Y 950 (75 dpd) ÷ P
        cumulative_default_rate: '0.25', // Y first in default: 1000 ÷ P
        smm: '0.66972', cpr: '0.999998', // 1 − (1 − 1622.19/2422.19)^12 = 0.9999983…
        mdr: '0.260274', cdr: '0.973156', // 1 − (1 − 950/3650)^12 = 0.9731557…
        dpd_60_plus_rate: '0.2375', dpd_90_plus_rate: '0', cumulative_net_loss_rate: '0' },
      { months_on_book: 3, outstanding_ratio: '0.175', dpd_30_plus_rate: '0', // 700 ÷ P; Y owes 0
        cumulative_default_rate: '0.25', smm: '0.032521', cpr: '0.327491', // 1 − (1 − 23.53/723.53)^12 = 0.3274912…
        mdr: '0', cdr: '0', dpd_60_plus_rate: '0', dpd_90_plus_rate: '0',
        cumulative_net_loss_rate: '0.1875' }, // (950 − 200) ÷ P
    ]);
    const calendar = await get(`/portfolios/${pid}/vintages?basis=calendar`);
    expect(calendar.body).toEqual({ portfolio_id: pid, period: 'month', vintages: computeVintages(loans, snapshots, 'month', 'calendar') });
    expect(calendar.body.vintages[0].curve.map((p: { month: string }) => p.month)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04']);
    expect(calendar.body.vintages[0].curve[3]).toEqual({ month: '2025-04', ...cohort.curve[3], months_on_book: undefined });
    expect((await get(`/portfolios/${pid}/vintages?basis=weekly`)).status).toBe(400);
  });

  const file = (path: string, accept?: string) => {
    const req = get(path).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    return accept ? req.set('Accept', accept) : req;
  };
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const sheetsOf = async (body: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    return wb.worksheets;
  };
  /** A sheet's rows as objects keyed by its header; numbers as the reader gives them. */
  const rowsOf = (ws: ExcelJS.Worksheet) => {
    const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
    const out: Record<string, unknown>[] = [];
    for (let r = 2; r <= ws.rowCount; r++) out.push(Object.fromEntries(header.map((h, i) => [h, ws.getRow(r).getCell(i + 1).value ?? null])));
    return out;
  };
  /** JSON values as a spreadsheet holds them: decimal strings as numbers, null as an empty cell. */
  const asCells = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v]));
  const asCsv = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v === null ? '' : String(v)]));

  it('exports performance, transitions, vintages and snapshots as CSV and XLSX with the JSON values', async () => {
    const range = `from=2025-01&to=2025-04`;
    const { points } = (await get(`/portfolios/${pid}/performance?${range}`)).body;
    const csv = await file(`/portfolios/${pid}/performance?${range}`, 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="performance-${pid}.csv"`);
    expect(parse(csv.body.toString('utf8'), { columns: true })).toEqual(points.map(asCsv));
    const xlsx = await file(`/portfolios/${pid}/performance?${range}&format=xlsx`);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    const [perfSheet] = await sheetsOf(xlsx.body);
    expect(rowsOf(perfSheet)).toEqual(points.map(asCells));
    expect(typeof perfSheet.getRow(2).getCell(3).value).toBe('number'); // balance is a numeric cell

    const { periods } = (await get(`/portfolios/${pid}/transitions?${range}`)).body;
    const cells = periods.flatMap((p: { from: string; to: string; counts: never; balances: never; roll_rates: never }) =>
      STATES.flatMap((a) => STATES.map((b) => ({
        from: p.from, to: p.to, from_state: a, to_state: b,
        count: (p.counts as Record<string, Record<string, number>>)[a][b],
        balance: (p.balances as Record<string, Record<string, string>>)[a][b],
        roll_rate: (p.roll_rates as Record<string, Record<string, string | null>>)[a][b],
      }))));
    expect(cells).toHaveLength(3 * 7 * 7);
    expect(parse((await file(`/portfolios/${pid}/transitions?${range}&format=csv`)).body.toString('utf8'), { columns: true })).toEqual(cells.map(asCsv));
    expect(rowsOf((await sheetsOf((await file(`/portfolios/${pid}/transitions?${range}`, XLSX)).body))[0])).toEqual(cells.map(asCells));

    const { vintages } = (await get(`/portfolios/${pid}/vintages`)).body;
    const [cohort] = vintages;
    const vcsv = parse((await file(`/portfolios/${pid}/vintages?format=csv`)).body.toString('utf8'), { columns: true });
    const { curve, ...cohortFields } = cohort;
    expect(vcsv).toEqual(curve.map((p: Record<string, unknown>) => asCsv({ ...cohortFields, ...p })));
    const vsheets = await sheetsOf((await file(`/portfolios/${pid}/vintages`, XLSX)).body);
    expect(vsheets.map((w) => w.name)).toEqual(['vintages', 'cohorts', 'outstanding_ratio', 'dpd_30_plus_rate', 'cumulative_default_rate', 'smm', 'cpr', 'mdr', 'cdr',
      'dpd_60_plus_rate', 'dpd_90_plus_rate', 'cumulative_net_loss_rate']);
    // The first sheet is the CSV's table, as for every export; the cohorts follow.
    expect(rowsOf(vsheets[0])).toEqual(curve.map((p: Record<string, unknown>) => asCells({ ...cohortFields, ...p })));
    expect(rowsOf(vsheets[1])).toEqual([asCells(cohortFields)]);
    // The static-pool layout: cohorts as rows, months on book as columns
    const smm = vsheets.find((w) => w.name === 'smm')!;
    expect((smm.getRow(1).values as unknown[]).slice(1)).toEqual(['vintage', '0', '1', '2', '3']);
    expect(rowsOf(smm)).toEqual([{ vintage: '2025-01', 0: null, 1: 0.005841, 2: 0.66972, 3: 0.032521 }]);
    const calendar = await sheetsOf((await file(`/portfolios/${pid}/vintages?basis=calendar&format=xlsx`)).body);
    expect((calendar.find((w) => w.name === 'smm')!.getRow(1).values as unknown[]).slice(1)).toEqual(['vintage', '2025-01', '2025-02', '2025-03', '2025-04']);

    const snaps = (await get(`/portfolios/${pid}/snapshots?date_to=2025-04-30`)).body.results;
    expect(snaps).toHaveLength(5); // the import job's, one per imported date
    const flat = snaps.map(({ by_bucket, by_bucket_balance, ...s }: Record<string, Record<string, unknown>>) => ({
      ...s,
      ...Object.fromEntries(Object.entries(by_bucket).map(([b, n]) => [`by_bucket_${b}`, n])),
      ...Object.fromEntries(Object.entries(by_bucket_balance).map(([b, v]) => [`by_bucket_balance_${b}`, v])),
    }));
    expect(parse((await file(`/portfolios/${pid}/snapshots?date_to=2025-04-30&format=csv`)).body.toString('utf8'), { columns: true })).toEqual(flat.map(asCsv));
    const snapRows = rowsOf((await sheetsOf((await file(`/portfolios/${pid}/snapshots?date_to=2025-04-30`, XLSX)).body))[0]);
    expect(snapRows.map(({ snapshot_date, ...r }) => ({ ...r, snapshot_date: (snapshot_date as Date).toISOString().slice(0, 10) })))
      .toEqual(flat.map(asCells));
    expect((await get(`/portfolios/${pid}/performance?format=pdf`)).status).toBe(400);
  });

  it('checks the range', async () => {
    expect((await get(`/portfolios/${pid}/performance?from=2025-05&to=2025-04`)).status).toBe(400);
    expect((await get(`/portfolios/${pid}/transitions?from=2015-01&to=2025-04`)).status).toBe(400);
    expect((await get(`/portfolios/${pid}/performance?from=2025-13`)).body.errors[0].field).toBe('from');
    expect((await get(`/portfolios/${pid}/performance?to=2025-1`)).status).toBe(400);
    expect((await get(`/portfolios/${pid}/performance?colour=red`)).status).toBe(400);
    // Defaults: the last 12 months up to this one, in which this history has nothing
    expect((await get(`/portfolios/${pid}/performance`)).body).toEqual({ portfolio_id: pid, points: [] });
    const other = await t.http().get(`/portfolios/${pid}/performance`).set(bearer(tokenFor(t.config, newOrg(), 'viewer')));
    expect(other.status).toBe(404);
  });

  it('a past-date portfolio snapshot and a past as_of_date tape work for the imported period', async () => {
    const snap = await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({ snapshot_date: '2025-03-31' });
    expect(snap.status).toBe(201);
    expect(snap.body).toMatchObject({
      total_loans: 3, total_principal: '4000.00', total_outstanding: '1750.00',
      weighted_average_rate: '0.054857', // 0.12 × 800 ÷ 1750
      default_rate: '0.25', // Y's 1000 ÷ 4000
    });
    // The import's job wrote every imported date (the 15th holds X's mid-month snapshot); one snapshot per date
    const listed = await get(`/portfolios/${pid}/snapshots?date_from=2025-01-01&date_to=2025-04-30`);
    expect(listed.body.results.map((s: { snapshot_date: string }) => s.snapshot_date)).toEqual(['2025-04-30', '2025-03-31', '2025-02-28', '2025-02-15', '2025-01-31']);
    const config = await t.http().post('/loan-tape-configs').set(bearer(admin)).send({
      name: 'March', portfolio_id: pid, format: 'json', columns: ['loan_number', 'principal_balance', 'status', 'scheduled_principal', 'as_of_date'],
    });
    const gen = await t.http().post(`/loan-tape-configs/${config.body.id}/generate`).set(bearer(admin)).send({ as_of_date: '2025-03-31' });
    expect((await waitForJob(t, admin, gen.body.status_url)).state).toBe('completed');
    const file = await t.http().get(`/loan-tapes/${gen.body.tape_id}/download`).set(bearer(admin)).buffer(true);
    const lines = file.text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { loan_number: 'X', principal_balance: '0.00', status: 'paid_off', scheduled_principal: '0.00', as_of_date: '2025-03-31' },
      // 950 at 0 % with 10 − 2 = 8 months left: 950 ÷ 8 = 118.75
      { loan_number: 'Y', principal_balance: '950.00', status: 'defaulted', scheduled_principal: '118.75', as_of_date: '2025-03-31' },
      // 800 at 1 % a month, 10 months left: 76.47 (above)
      { loan_number: 'Z', principal_balance: '800.00', status: 'active', scheduled_principal: '76.47', as_of_date: '2025-03-31' },
    ]);
  });
});
