import Big from 'big.js';
import type { Client } from 'pg';
import { buildMonthEnds } from '../../src/modules/analytics/month-ends';
import { computeSnapshotMetrics } from '../../src/modules/snapshots/snapshot-metrics';
import { SnapshotRetentionService } from '../../src/modules/snapshots/snapshot-retention.service';
import { SnapshotRunService } from '../../src/modules/snapshots/snapshot-run.service';
import { withOrgSql } from '../factories/db';
import { insertLoans, insertPortfolio } from '../factories/loans';
import type { components } from '../support/api-types';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/** The §5 loan-snapshot fields compared, as the contract types them (the id is derived per loan and date, so only its uniqueness is). */
type Row = Omit<components['schemas']['LoanSnapshotResponse'], 'id'>;
type Full = Row & { original_principal: string; term_months: number };

// Decimal strings compared as decimals ('0.0750' is '0.075'), never as floats.
const norm = (r: Row): Row => ({
  loan_id: r.loan_id, portfolio_id: r.portfolio_id, snapshot_date: r.snapshot_date,
  principal_balance: new Big(r.principal_balance).toFixed(2), days_past_due: r.days_past_due, delinquency_bucket: r.delinquency_bucket,
  status: r.status, interest_rate: new Big(r.interest_rate).toString(), next_payment_date: r.next_payment_date,
  charged_off_amount: new Big(r.charged_off_amount).toFixed(2), recovered_amount: new Big(r.recovered_amount).toFixed(2),
});
const newestFirst = (a: Row, b: Row) => (a.snapshot_date === b.snapshot_date ? (a.loan_id < b.loan_id ? 1 : -1) : a.snapshot_date < b.snapshot_date ? 1 : -1);

/**
 * Issue 17.2: the run stores only what changed, yet every observed date answers exactly what a
 * full daily snapshot would have stored; an unobserved date answers nothing. 17.4: retention
 * swaps a month's partition for its month-ends. Runs are dated through SnapshotRunService.snapshotDay,
 * the worker's entry point (HTTP accepts only today).
 */
describe('loan snapshot versions (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let viewer: string;
  let admin: string;
  let p1: string;
  let p2: string;
  let ids: string[];
  /** What a full daily snapshot would have stored on each observed date. */
  const full = new Map<string, Full[]>();

  const liveRows = (date: string) =>
    withOrgSql(org, async (c) => (await c.query<Full>(
      `SELECT id AS loan_id, portfolio_id, $2::text AS snapshot_date, principal_balance::text, days_past_due, delinquency_bucket, status,
              interest_rate::text, next_payment_date::text, charged_off_amount::text, recovered_amount::text,
              original_principal::text, term_months
         FROM loans WHERE organization_id = $1`, [org, date])).rows);
  const runOn = async (date: string) => {
    await t.app.get(SnapshotRunService).snapshotDay(org, date);
    const rows = await liveRows(date);
    full.set(date, rows);
    // The run's portfolio snapshots come from sums moved by deltas: each equals its loans' metrics worked out afresh.
    for (const p of [p1, p2]) {
      const res = await t.http().get(`/portfolios/${p}/snapshots?date_from=${date}&date_to=${date}`).set(bearer(viewer));
      expect(res.status).toBe(200);
      expect(res.body.results).toHaveLength(1);
      expect(res.body.results[0]).toMatchObject(computeSnapshotMetrics(rows.filter((r) => r.portfolio_id === p)));
    }
  };
  const change = (sql: string, params: unknown[]) => withOrgSql(org, (c) => c.query(sql, params));
  const list = async (query: string): Promise<Row[]> => {
    const res = await t.http().get(`/loan-snapshots?page_size=500&${query}`).set(bearer(viewer));
    expect(res.status).toBe(200);
    return res.body.results;
  };
  const expected = (filter: (r: Full) => boolean) =>
    [...full.values()].flat().filter(filter).map(norm).sort(newestFirst);
  const storedRows = () => withOrgSql(org, async (c) => (await c.query<{ d: string; n: number }>(
    `SELECT snapshot_date::text AS d, count(*)::int AS n FROM loan_snapshots WHERE organization_id = $1 GROUP BY 1 ORDER BY 1`, [org])).rows);

  /** Every observed date, every filter, both pagings: equal to the full rows. */
  async function expectEveryDateExact() {
    const dates = [...full.keys()];
    for (const d of dates) {
      expect((await list(`snapshot_date=${d}`)).map(norm)).toEqual(expected((r) => r.snapshot_date === d));
      for (const p of [p1, p2]) {
        expect((await list(`snapshot_date=${d}&portfolio_id=${p}`)).map(norm)).toEqual(expected((r) => r.snapshot_date === d && r.portfolio_id === p));
      }
    }
    for (const id of ids) expect((await list(`loan_id=${id}`)).map(norm)).toEqual(expected((r) => r.loan_id === id));
    expect((await list(`portfolio_id=${p2}`)).map(norm)).toEqual(expected((r) => r.portfolio_id === p2));
    const [from, to] = [dates[1], dates[dates.length - 2]];
    expect((await list(`date_from=${from}&date_to=${to}`)).map(norm)).toEqual(expected((r) => r.snapshot_date >= from && r.snapshot_date <= to));
    const all = expected(() => true);
    const offset = await t.http().get('/loan-snapshots?page_size=500').set(bearer(viewer));
    expect(offset.body.count).toBe(all.length);
    expect(offset.body.results.map(norm)).toEqual(all);
    expect(new Set(offset.body.results.map((r: { id: string }) => r.id)).size).toBe(all.length);
    // Offset pages of 4 across date boundaries, and the keyset walk in pages of 3.
    const page2 = await t.http().get('/loan-snapshots?page_size=4&page=2').set(bearer(viewer));
    expect(page2.body.results.map(norm)).toEqual(all.slice(4, 8));
    const seen: Row[] = [];
    let url: string | null = '/loan-snapshots?page_size=3&cursor=';
    while (url) {
      const body: { results: Row[]; next: string | null } = (await t.http().get(url).set(bearer(viewer))).body;
      seen.push(...body.results);
      url = body.next ? new URL(body.next).pathname + new URL(body.next).search : null;
    }
    expect(seen.map(norm)).toEqual(all);
    const inP1: string[] = [];
    url = `/loan-snapshots?page_size=2&portfolio_id=${p1}&cursor=`;
    while (url) {
      const body: { results: Row[]; next: string | null } = (await t.http().get(url).set(bearer(viewer))).body;
      inP1.push(...body.results.map((r) => `${r.snapshot_date}|${r.loan_id}`));
      url = body.next ? new URL(body.next).pathname + new URL(body.next).search : null;
    }
    expect(inP1).toEqual(expected((r) => r.portfolio_id === p1).map((r) => `${r.snapshot_date}|${r.loan_id}`));
  }

  /**
   * The runs kept the month-end tables by deltas (a move, a new loan, changed loans, a rerun,
   * each later date's upkeep deferred to its follow-up job):
   * they hold exactly what a build from the stored snapshots gives (built in a rolled-back transaction).
   */
  async function expectMonthEndsAsIfBuilt() {
    const tables = {
      loan_month_ends: 'loan_id, mi, snapshot_date, balance, days_past_due, status, b0, from_state, active, s, newly, u',
      analytics_loans: 'loan_id, portfolio_id, cohort_month, loan_principal, first_default_mi',
      portfolio_month_sums: '*',
      portfolio_transition_sums: '*',
    };
    // Sums moved by deltas can carry a scale a recount does not (2000.00 − 2000.00 is 0.00, an empty
    // FILTER sums to 0); every read divides in numeric(60,30), so values compare as numbers.
    // A later date's upkeep follows the run as its own job: applied here if that job has not run yet.
    await t.app.get(SnapshotRunService).catchUpMonthEnds(org);
    const asNumber = (v: unknown) => (typeof v === 'string' && /^-?\d+\.\d+$/.test(v) ? new Big(v).toString() : v);
    const read = (c: Client) => Promise.all(Object.entries(tables).map(async ([table, cols]) =>
      (await c.query(`SELECT ${cols} FROM ${table} WHERE organization_id = $1 ORDER BY 1, 2, 3, 4`, [org])).rows
        .map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asNumber(v)])))));
    await withOrgSql(org, async (c) => {
      const kept = await read(c);
      expect(kept[0].length).toBeGreaterThan(0);
      await c.query('BEGIN');
      try {
        await buildMonthEnds((q, params) => c.query(q, params).then((r) => r.rows), org);
        expect(kept).toEqual(await read(c));
      } finally {
        await c.query('ROLLBACK');
      }
    });
  }

  beforeAll(async () => {
    t = await startApp();
    viewer = tokenFor(t.config, org, 'viewer');
    admin = tokenFor(t.config, org, 'admin');
    p1 = await insertPortfolio(org);
    p2 = await insertPortfolio(org);
    ids = await insertLoans(org, [
      { loan_number: 'V-1', origination_date: '2025-01-01', portfolio_id: p1, principal_balance: '1000.00', interest_rate: '0.0750' },
      { loan_number: 'V-2', origination_date: '2025-01-01', portfolio_id: p1, principal_balance: '2000.00', days_past_due: 10 },
      { loan_number: 'V-3', origination_date: '2025-01-01', portfolio_id: p1, principal_balance: '3000.00' },
      { loan_number: 'V-4', origination_date: '2025-01-01', portfolio_id: p2, principal_balance: '4000.00' },
      { loan_number: 'V-5', origination_date: '2025-01-01', principal_balance: '5000.00' },
    ]);
    await withOrgSql(org, (c) => c.query(`SELECT ensure_loan_snapshot_partitions('2025-03-01', '2025-04-30')`));
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs on days with and without changes store only the changes and answer every observed date in full', async () => {
    await runOn('2025-03-03');
    await runOn('2025-03-04'); // nothing changed
    await change(`UPDATE loans SET principal_balance = 950.00 WHERE id = $1`, [ids[0]]);
    await change(`UPDATE loans SET days_past_due = 40 WHERE id = $1`, [ids[1]]);
    await change(`UPDATE loans SET portfolio_id = $2 WHERE id = $1`, [ids[2], p2]);
    await runOn('2025-03-05');
    await change(`UPDATE loans SET status = 'defaulted', charged_off_amount = 100.00 WHERE id = $1`, [ids[3]]);
    ids.push(...(await insertLoans(org, [{ loan_number: 'V-6', origination_date: '2025-01-01', portfolio_id: p1, principal_balance: '600.00' }])));
    await runOn('2025-03-10');
    await runOn('2025-04-01'); // a new month: every loan again, though nothing changed
    await change(`UPDATE loans SET principal_balance = 900.00, next_payment_date = '2025-05-01' WHERE id = $1`, [ids[0]]);
    await runOn('2025-04-02');
    await runOn('2025-04-02'); // a rerun changes nothing
    await change(`UPDATE loans SET principal_balance = 850.00 WHERE id = $1`, [ids[0]]);
    await change(`UPDATE loans SET days_past_due = 0 WHERE id = $1`, [ids[1]]);
    await runOn('2025-04-02'); // a rerun after changes: V-1's row of the date replaced, V-2's added

    // 6 loans; keyframes hold every loan, other dates only what changed (3, then 2, then 2).
    expect(await storedRows()).toEqual([
      { d: '2025-03-03', n: 5 }, { d: '2025-03-05', n: 3 }, { d: '2025-03-10', n: 2 }, { d: '2025-04-01', n: 6 }, { d: '2025-04-02', n: 2 },
    ]);
    await expectEveryDateExact();
    await expectMonthEndsAsIfBuilt();
  });

  it('a later date\'s month-end upkeep follows the run in its own job, and a read right after the run reflects it', async () => {
    const aprilBalance = async () => {
      const res = await t.http().get(`/portfolios/${p1}/performance?from=2025-04&to=2025-04`).set(bearer(viewer));
      expect(res.status).toBe(200);
      return new Big(res.body.points[0].balance);
    };
    const before = await aprilBalance();
    await change(`UPDATE loans SET principal_balance = 800.00 WHERE id = $1`, [ids[0]]);
    await runOn('2025-04-03');
    // V-1 850.00 → 800.00: April's balance of p1 is 50.00 lower, whether the job or this read applied the upkeep.
    expect((await aprilBalance()).minus(before).toFixed(2)).toBe('-50.00');
    // The run recorded its follow-up job with itself; the worker completes it and nothing stays deferred.
    const state = () => withOrgSql(org, async (c) => (await c.query<{ jobs: string[]; pending: number }>(
      `SELECT (SELECT array_agg(status ORDER BY created_at) FROM job_requests WHERE organization_id = $1 AND name = 'month-ends') AS jobs,
              (SELECT count(*)::int FROM analytics_pending_runs WHERE organization_id = $1) AS pending`, [org])).rows[0]);
    for (let i = 0; i < 100 && (await state()).jobs.some((j) => j === 'pending'); i++) await new Promise((r) => setTimeout(r, 100));
    const done = await state();
    expect(done.jobs.length).toBeGreaterThan(0);
    expect(done.jobs.every((j) => j === 'completed')).toBe(true);
    expect(done.pending).toBe(0);
    await expectEveryDateExact();
    await expectMonthEndsAsIfBuilt();
  });

  it('stores a loan written twice since the last run as its last write left it, and nothing for one written back', async () => {
    await change(`UPDATE loans SET principal_balance = 1900.00 WHERE id = $1`, [ids[1]]);
    await change(`UPDATE loans SET principal_balance = 1800.00, days_past_due = 5 WHERE id = $1`, [ids[1]]);
    await change(`UPDATE loans SET principal_balance = 650.00 WHERE id = $1`, [ids[5]]);
    await change(`UPDATE loans SET principal_balance = 600.00 WHERE id = $1`, [ids[5]]);
    await runOn('2025-04-04');
    // V-2 only (V-6 is back at 600.00, its state on 2025-04-03), at 1800.00 and 5 days past due.
    expect((await storedRows()).find((r) => r.d === '2025-04-04')).toEqual({ d: '2025-04-04', n: 1 });
    const [v2] = await list(`snapshot_date=2025-04-04&loan_id=${ids[1]}`);
    expect([v2.principal_balance, v2.days_past_due]).toEqual(['1800.00', 5]);
    await expectEveryDateExact();
    await expectMonthEndsAsIfBuilt();
  });

  it('answers nothing on a date no run or import observed', async () => {
    expect(await list('snapshot_date=2025-03-07')).toEqual([]);
    expect((await t.http().get('/loan-snapshots?snapshot_date=2025-03-07').set(bearer(viewer))).body.count).toBe(0);
    const res = await t.http().post(`/portfolios/${p1}/snapshots`).set(bearer(admin)).send({ snapshot_date: '2025-03-07' });
    expect(res.status).toBe(422);
  });

  it('computes a past portfolio snapshot from that date\'s states', async () => {
    const res = await t.http().post(`/portfolios/${p1}/snapshots`).set(bearer(admin)).send({ snapshot_date: '2025-03-05' });
    expect(res.status).toBe(201);
    const rows = full.get('2025-03-05')!.filter((r) => r.portfolio_id === p1);
    expect(rows).toHaveLength(2); // V-1 and V-2 (V-3 left for p2 that day)
    expect(res.body).toMatchObject(computeSnapshotMetrics(rows.map((r) => ({ ...r, interest_rate: r.interest_rate }))));
  });

  it('an import of a new date answers only its loans there and leaves later dates as they were', async () => {
    const csv = ['loan_number,snapshot_date,principal_balance,days_past_due,status', 'V-1,2025-03-07,975.00,0,active', 'V-2,2025-03-05,1999.00,40,active'].join('\n');
    const res = await t.http().post('/loan-snapshots/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(200);
    const v1 = (await liveRows('2025-03-07')).find((r) => r.loan_id === ids[0])!;
    const imported: Full = { ...v1, principal_balance: '975.00', next_payment_date: null, days_past_due: 0, delinquency_bucket: 'current', status: 'active', charged_off_amount: '0.00', recovered_amount: '0.00' };
    full.set('2025-03-07', [imported]);
    const onFifth = full.get('2025-03-05')!;
    const v2 = onFifth.findIndex((r) => r.loan_id === ids[1]);
    onFifth[v2] = { ...onFifth[v2], principal_balance: '1999.00', next_payment_date: null };
    // Keep date order for the range checks.
    const sorted = [...full.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    full.clear();
    for (const [d, rows] of sorted) full.set(d, rows);
    await expectEveryDateExact();
  });

  it('retention keeps the month-end of an old month and drops its days as a whole partition', async () => {
    const oid = () => withOrgSql(org, async (c) => (await c.query(`SELECT 'loan_snapshots_2025_03'::regclass::oid::int AS oid`)).rows[0].oid);
    const before = await oid();
    // Today 2025-05-15 with one month kept: April keeps its days, March and older keep their month-ends.
    expect((await t.app.get(SnapshotRetentionService).compact('2025-05-15', 1)).months_compacted).toBeGreaterThan(0);
    expect(await oid()).not.toBe(before);
    for (const d of ['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-07']) full.delete(d);
    expect((await storedRows()).filter((r) => r.d < '2025-04-01')).toEqual([{ d: '2025-03-10', n: 6 }]);
    await expectEveryDateExact();
    expect(await list('snapshot_date=2025-03-05')).toEqual([]);
    // A second pass finds nothing left to compact.
    const after = await oid();
    await t.app.get(SnapshotRetentionService).compact('2025-05-15', 1);
    expect(await oid()).toBe(after);
  });
});
