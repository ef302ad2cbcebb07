import { JobProducer } from '../../src/jobs/job-producer';
import { computeSnapshotMetrics, MetricLoan } from '../../src/modules/snapshots/snapshot-metrics';
import { withOrgSql } from '../factories/db';
import { insertLoans, insertPortfolio, LoanFixture } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** The §5 example shapes: a 120+ dpd active loan and a defaulted 75-dpd loan sit beside clean ones. */
const MIXED: LoanFixture[] = [
  { original_principal: '10000.00', principal_balance: '8000.00', interest_rate: '0.06', term_months: 36 },
  { original_principal: '20000.00', principal_balance: '15000.00', interest_rate: '0.09', term_months: 60, days_past_due: 45 },
  { original_principal: '5000.00', principal_balance: '4000.00', interest_rate: '0.12', term_months: 24, days_past_due: 130 },
  { original_principal: '15000.00', principal_balance: '3000.00', interest_rate: '0.07', term_months: 48, days_past_due: 75, status: 'defaulted' },
  { original_principal: '3333.33', principal_balance: '1111.11', interest_rate: '0.1234567', term_months: 13, days_past_due: 5 },
];
const asMetricLoans = (ls: LoanFixture[]): MetricLoan[] =>
  ls.map((l) => ({
    original_principal: l.original_principal as string, principal_balance: l.principal_balance as string,
    interest_rate: l.interest_rate as string, term_months: l.term_months as number,
    days_past_due: l.days_past_due ?? 0, status: l.status ?? 'active',
  }));

/** Writes loan snapshots straight into the table, as an earlier run (or a crashed one) would have. */
async function writeLoanSnapshots(org: string, date: string, ids: string[], over: { principal_balance?: string; days_past_due?: number } = {}) {
  await withOrgSql(org, async (c) => {
    await c.query(`SELECT ensure_loan_snapshot_partitions($1, $1)`, [date]);
    await c.query(
      `INSERT INTO loan_snapshots (loan_id, portfolio_id, snapshot_date, original_principal, principal_balance, interest_rate,
                                   term_months, days_past_due, delinquency_bucket, status, next_payment_date)
       SELECT id, portfolio_id, $2, original_principal, coalesce($3, principal_balance), interest_rate, term_months,
              coalesce($4, days_past_due), delinquency_bucket, status, next_payment_date
         FROM loans WHERE id = ANY($1)`,
      [ids, date, over.principal_balance ?? null, over.days_past_due ?? null],
    );
  });
}

describe('snapshots (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
    viewer = tokenFor(t.config, org, 'viewer');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /portfolios/{id}/snapshots', () => {
    it("computes today's snapshot in SQL exactly as the §5 definitions do", async () => {
      const pid = await insertPortfolio(org);
      await insertLoans(org, MIXED.map((l) => ({ ...l, portfolio_id: pid })));
      const res = await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({});
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), portfolio_id: pid, snapshot_date: today(), ...computeSnapshotMetrics(asMetricLoans(MIXED)) });
      // Hand-worked, so the reference itself is checked too: 50000 + 3333.33; 30000 + 1111.11; 20000 / 53333.33
      expect(res.body).toMatchObject({ total_loans: 5, total_principal: '53333.33', total_outstanding: '31111.11', default_rate: '0.375' });
    });

    it('replaces the same date: same id, recomputed figures, one row', async () => {
      const pid = await insertPortfolio(org);
      const [id] = await insertLoans(org, [{ principal_balance: '500.00', portfolio_id: pid }]);
      const first = await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({ snapshot_date: today() });
      await withOrgSql(org, (c) => c.query(`UPDATE loans SET principal_balance = 250.00, days_past_due = 31 WHERE id = $1`, [id]));
      const second = await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({});
      expect(second.status).toBe(201);
      expect(second.body).toMatchObject({ id: first.body.id, total_outstanding: '250.00', delinquency_rate: '1' });
      const list = await t.http().get(`/portfolios/${pid}/snapshots`).set(bearer(viewer));
      expect(list.body.count).toBe(1);
    });

    it('gives zeros and nulls for an empty portfolio and for one with nothing outstanding', async () => {
      const empty = await insertPortfolio(org);
      const res = await t.http().post(`/portfolios/${empty}/snapshots`).set(bearer(admin)).send({});
      expect(res.body).toMatchObject({
        total_loans: 0, total_principal: '0.00', total_outstanding: '0.00', weighted_average_rate: null,
        weighted_average_term: null, delinquency_rate: null, default_rate: null,
        by_bucket: { current: 0, dpd_1_29: 0, dpd_30_59: 0, dpd_60_89: 0, dpd_90_119: 0, dpd_120_plus: 0 },
        by_bucket_balance: { current: '0.00', dpd_1_29: '0.00', dpd_30_59: '0.00', dpd_60_89: '0.00', dpd_90_119: '0.00', dpd_120_plus: '0.00' },
      });
      const paid = await insertPortfolio(org);
      const loans: LoanFixture[] = [
        { original_principal: '1000.00', principal_balance: '0.00', status: 'paid_off', interest_rate: '0.05', term_months: 12 },
        { original_principal: '3000.00', principal_balance: '0.00', status: 'charged_off', interest_rate: '0.1', term_months: 24, days_past_due: 200 },
      ];
      await insertLoans(org, loans.map((l) => ({ ...l, portfolio_id: paid })));
      const res2 = await t.http().post(`/portfolios/${paid}/snapshots`).set(bearer(admin)).send({});
      expect(res2.body).toMatchObject({ ...computeSnapshotMetrics(asMetricLoans(loans)), default_rate: '0.75', weighted_average_rate: null });
    });

    it("computes a past date from that day's loan snapshots, and 422s without them", async () => {
      const pid = await insertPortfolio(org);
      const ids = await insertLoans(org, MIXED.map((l) => ({ ...l, portfolio_id: pid })));
      const past = daysAgo(3);
      expect((await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({ snapshot_date: past })).status).toBe(422);
      await writeLoanSnapshots(org, past, ids, { principal_balance: '1000.00', days_past_due: 0 });
      const res = await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({ snapshot_date: past });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String), portfolio_id: pid, snapshot_date: past,
        ...computeSnapshotMetrics(asMetricLoans(MIXED.map((l) => ({ ...l, principal_balance: '1000.00', days_past_due: 0 })))),
      });
      expect(res.body.total_outstanding).toBe('5000.00');
    });

    it('refuses a future date, bad input, other organizations and viewers', async () => {
      const pid = await insertPortfolio(org);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const future = await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({ snapshot_date: tomorrow });
      expect(future.status).toBe(422);
      expect(future.body.errors[0].field).toBe('snapshot_date');
      const bad = await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({ snapshot_date: '2026-02-30', extra: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['extra', 'snapshot_date']);
      // Null is no date (not "today", not a snapshot on null).
      const nullDate = await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({ snapshot_date: null });
      expect(nullDate.status).toBe(400);
      expect(nullDate.body.errors.map((e: { field: string }) => e.field)).toEqual(['snapshot_date']);
      const other = tokenFor(t.config, newOrg(), 'admin');
      expect((await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(other)).send({})).status).toBe(404);
      // Another organization's portfolio is unknown before its date is judged.
      expect((await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(other)).send({ snapshot_date: tomorrow })).status).toBe(404);
      expect((await t.http().get(`/portfolios/${pid}/snapshots`).set(bearer(other))).status).toBe(404);
      expect((await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(viewer)).send({})).status).toBe(403);
    });
  });

  describe('GET /portfolios/{id}/snapshots', () => {
    it('lists newest first, filtered by date and paginated', async () => {
      const pid = await insertPortfolio(org);
      const ids = await insertLoans(org, [{ portfolio_id: pid }]);
      const dates = [daysAgo(1), daysAgo(2), daysAgo(3)];
      for (const d of dates) {
        await writeLoanSnapshots(org, d, ids);
        expect((await t.http().post(`/portfolios/${pid}/snapshots`).set(bearer(admin)).send({ snapshot_date: d })).status).toBe(201);
      }
      const all = await t.http().get(`/portfolios/${pid}/snapshots?page_size=2`).set(bearer(viewer));
      expect(all.body.count).toBe(3);
      expect(all.body.results.map((r: { snapshot_date: string }) => r.snapshot_date)).toEqual(dates.slice(0, 2));
      expect(all.body.next).toMatch(/page=2/);
      const window = await t.http().get(`/portfolios/${pid}/snapshots?date_from=${dates[2]}&date_to=${dates[1]}`).set(bearer(viewer));
      expect(window.body.results.map((r: { snapshot_date: string }) => r.snapshot_date)).toEqual([dates[1], dates[2]]);
      expect((await t.http().get(`/portfolios/${pid}/snapshots?date_from=${dates[0]}&date_to=${dates[2]}`).set(bearer(viewer))).status).toBe(400);
      expect((await t.http().get(`/portfolios/${pid}/snapshots?date_from=yesterday`).set(bearer(viewer))).status).toBe(400);
    });
  });

  describe('daily snapshot run', () => {
    const runOrg = newOrg();
    let runAdmin: string;
    let loanIds: string[];
    let active: string;
    let sold: string;
    let archived: string;

    beforeAll(async () => {
      runAdmin = tokenFor(t.config, runOrg, 'admin');
      active = await insertPortfolio(runOrg);
      sold = await insertPortfolio(runOrg, { status: 'sold' });
      archived = await insertPortfolio(runOrg, { status: 'archived' });
      loanIds = [
        ...(await insertLoans(runOrg, MIXED.map((l) => ({ ...l, portfolio_id: active })))),
        ...(await insertLoans(runOrg, [{ portfolio_id: sold }, { portfolio_id: archived }, {}])),
      ];
    });

    const run = async () => {
      const res = await t.http().post('/snapshot-runs').set(bearer(runAdmin)).send({});
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ job_id: expect.any(String), status_url: `/jobs/${res.body.job_id}` });
      return waitForJob(t, runAdmin, res.body.status_url);
    };
    const countsPerLoan = () =>
      withOrgSql(runOrg, async (c) => (await c.query(
        `SELECT loan_id, count(*)::int AS n, min(principal_balance)::text AS balance FROM loan_snapshots
          WHERE organization_id = $1 AND snapshot_date = $2 GROUP BY loan_id`, [runOrg, today()])).rows);

    it('snapshots every loan and every active or sold portfolio, and reruns in place', async () => {
      const job = await run();
      expect(job).toMatchObject({ state: 'completed', result: { loan_snapshots: 8, portfolio_snapshots: 2 } });
      const again = await run();
      expect(again.result).toEqual({ loan_snapshots: 8, portfolio_snapshots: 2 });
      const counts = await countsPerLoan();
      expect(counts).toHaveLength(8);
      expect(counts.every((r) => r.n === 1)).toBe(true);
      const snaps = await t.http().get(`/portfolios/${active}/snapshots`).set(bearer(runAdmin));
      expect(snaps.body.results).toEqual([{ id: expect.any(String), portfolio_id: active, snapshot_date: today(), ...computeSnapshotMetrics(asMetricLoans(MIXED)) }]);
      expect((await t.http().get(`/portfolios/${sold}/snapshots`).set(bearer(runAdmin))).body.count).toBe(1);
      expect((await t.http().get(`/portfolios/${archived}/snapshots`).set(bearer(runAdmin))).body.count).toBe(0);
    });

    it('leaves exactly one correct row per loan and portfolio after a crashed run is retried', async () => {
      // What a run that died half-way might leave: some loans written with stale values, a stale portfolio row.
      await withOrgSql(runOrg, (c) => c.query(`DELETE FROM loan_snapshots WHERE snapshot_date = $1`, [today()]));
      await writeLoanSnapshots(runOrg, today(), loanIds.slice(0, 3), { principal_balance: '1.00' });
      await withOrgSql(runOrg, (c) => c.query(`UPDATE portfolio_snapshots SET total_loans = 999 WHERE snapshot_date = $1`, [today()]));
      const job = await run();
      expect(job.result).toEqual({ loan_snapshots: 8, portfolio_snapshots: 2 });
      const counts = await countsPerLoan();
      expect(counts).toHaveLength(8);
      expect(counts.every((r) => r.n === 1 && r.balance !== '1.00')).toBe(true);
      const snaps = await t.http().get(`/portfolios/${active}/snapshots`).set(bearer(runAdmin));
      expect(snaps.body.results).toHaveLength(1);
      expect(snaps.body.results[0]).toMatchObject(computeSnapshotMetrics(asMetricLoans(MIXED)));
    });

    it('accepts only today, and only from admins', async () => {
      const past = await t.http().post('/snapshot-runs').set(bearer(runAdmin)).send({ snapshot_date: daysAgo(1) });
      expect(past.status).toBe(422);
      expect(past.body.errors[0].field).toBe('snapshot_date');
      // Null is no date: a 400 naming it, not "a date other than today".
      const nullDate = await t.http().post('/snapshot-runs').set(bearer(runAdmin)).send({ snapshot_date: null });
      expect(nullDate.status).toBe(400);
      expect(nullDate.body.errors.map((e: { field: string }) => e.field)).toEqual(['snapshot_date']);
      expect((await t.http().post('/snapshot-runs').set(bearer(runAdmin)).send({ snapshot_date: today() })).status).toBe(202);
      expect((await t.http().post('/snapshot-runs').set(bearer(tokenFor(t.config, runOrg, 'viewer'))).send({})).status).toBe(403);
    });

    it('is scheduled, and the schedule fans out one run per organization', async () => {
      const queue = t.app.get(JobProducer).queue('snapshots');
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'daily-snapshots', pattern: t.config.snapshotCron })]));
      const fanOrg = newOrg();
      const fanToken = tokenFor(t.config, fanOrg, 'admin');
      await insertLoans(fanOrg, [{}, {}]);
      await t.http().get('/loan-snapshots').set(bearer(fanToken)); // the organization becomes known on first contact
      await queue.add('fan-out', {});
      const deadline = Date.now() + 30_000;
      let count = 0;
      while (Date.now() < deadline && count < 2) {
        count = (await t.http().get(`/loan-snapshots?snapshot_date=${today()}`).set(bearer(fanToken))).body.count;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(count).toBe(2);
    });
  });

  describe('GET /loan-snapshots', () => {
    const lsOrg = newOrg();
    let token: string;
    let pid: string;
    let ids: string[];
    const dates = [daysAgo(1), daysAgo(2), daysAgo(33)];

    beforeAll(async () => {
      token = tokenFor(t.config, lsOrg, 'viewer');
      pid = await insertPortfolio(lsOrg);
      ids = await insertLoans(lsOrg, [
        { portfolio_id: pid, principal_balance: '1234.50', interest_rate: '0.0750', days_past_due: 40, next_payment_date: '2026-01-15' },
        { portfolio_id: pid }, {}, {},
      ]);
      for (const d of dates) await writeLoanSnapshots(lsOrg, d, ids);
    });

    it('returns the §5 fields, filtered', async () => {
      const res = await t.http().get(`/loan-snapshots?loan_id=${ids[0]}&snapshot_date=${dates[0]}`).set(bearer(token));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        count: 1, next: null, previous: null,
        results: [{
          id: expect.any(String), loan_id: ids[0], portfolio_id: pid, snapshot_date: dates[0], principal_balance: '1234.50',
          days_past_due: 40, delinquency_bucket: 'dpd_30_59', status: 'active', interest_rate: '0.075', next_payment_date: '2026-01-15',
          charged_off_amount: '0.00', recovered_amount: '0.00',
        }],
      });
      expect((await t.http().get(`/loan-snapshots?portfolio_id=${pid}`).set(bearer(token))).body.count).toBe(6);
      expect((await t.http().get(`/loan-snapshots?date_from=${dates[1]}&date_to=${dates[0]}`).set(bearer(token))).body.count).toBe(8);
      expect((await t.http().get(`/loan-snapshots?loan_id=nope`).set(bearer(token))).status).toBe(400);
      expect((await t.http().get(`/loan-snapshots`).set(bearer(tokenFor(t.config, newOrg(), 'viewer')))).body.count).toBe(0);
    });

    it('pages by keyset through the same rows as offset paging, newest first', async () => {
      const offset = (await t.http().get(`/loan-snapshots?page_size=500`).set(bearer(token))).body.results.map((r: { id: string }) => r.id);
      expect(offset).toHaveLength(12);
      const seen: string[] = [];
      let url: string | null = `/loan-snapshots?page_size=5&cursor=`;
      while (url) {
        const res = await t.http().get(url).set(bearer(token));
        expect(res.status).toBe(200);
        const body = res.body as { count: number | null; next: string | null; results: { id: string }[] };
        expect(body.count).toBeNull();
        seen.push(...body.results.map((r) => r.id));
        url = body.next ? new URL(body.next).pathname + new URL(body.next).search : null;
      }
      expect(seen).toEqual(offset);
      expect((await t.http().get(`/loan-snapshots?cursor=garbage`).set(bearer(token))).status).toBe(400);
    });
  });
});
