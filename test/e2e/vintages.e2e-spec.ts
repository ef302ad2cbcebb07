import { bucketOf } from '../../src/modules/loans/loan-states';
import { computeVintages, VintageLoan, VintageSnapshot } from '../../src/modules/snapshots/vintage-curves';
import { withOrgSql } from '../factories/db';
import { insertLoans, insertPortfolio } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/** The hand-worked cohort of vintage-curves.spec.ts, now through Postgres. */
const LOANS = [
  { key: 'A', origination_date: '2025-01-10', original_principal: '10000.00', principal_balance: '8800.00', days_past_due: 35, status: 'active' },
  { key: 'B', origination_date: '2025-01-25', original_principal: '30000.00', principal_balance: '28500.00', days_past_due: 130, status: 'defaulted' },
  { key: 'C', origination_date: '2025-03-05', original_principal: '20000.00', principal_balance: '19000.00', days_past_due: 0, status: 'active' },
];
const SNAPSHOTS: [string, string, string, number?, string?][] = [
  ['A', '2025-01-31', '10000.00'], ['A', '2025-02-15', '9700.00'], ['A', '2025-02-28', '9500.00'],
  ['A', '2025-03-31', '9000.00', 35], ['A', '2025-04-30', '8800.00'],
  ['B', '2025-01-31', '30000.00'], ['B', '2025-02-28', '29000.00', 40], ['B', '2025-03-31', '28500.00', 125],
  ['C', '2025-03-31', '20000.00'], ['C', '2025-04-30', '19000.00'],
];

describe('vintages (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let token: string;
  let pid: string;
  let loans: VintageLoan[];
  let snapshots: VintageSnapshot[];

  beforeAll(async () => {
    t = await startApp();
    token = tokenFor(t.config, org, 'viewer');
    pid = await insertPortfolio(org);
    const other = await insertPortfolio(org);
    const ids = await insertLoans(org, LOANS.map(({ key: _, ...l }) => ({ ...l, portfolio_id: pid, interest_rate: '0.1', term_months: 36 })));
    // Another portfolio's loan of the same vintage, with history: never part of this portfolio's cohorts.
    const [outsider] = await insertLoans(org, [{ origination_date: '2025-01-05', portfolio_id: other }]);
    const idOf = Object.fromEntries(LOANS.map((l, i) => [l.key, ids[i]]));
    loans = LOANS.map(({ key, ...l }) => ({ ...l, id: idOf[key], interest_rate: '0.1', term_months: 36 }));
    snapshots = SNAPSHOTS.map(([k, snapshot_date, principal_balance, days_past_due = 0, status = 'active']) =>
      ({ loan_id: idOf[k], snapshot_date, principal_balance, days_past_due, status }));
    await withOrgSql(org, async (c) => {
      await c.query(`SELECT ensure_loan_snapshot_partitions('2025-01-01', '2025-04-30')`);
      for (const s of [...snapshots, { loan_id: outsider, snapshot_date: '2025-01-31', principal_balance: '1.00', days_past_due: 200, status: 'defaulted' }]) {
        await c.query(
          `INSERT INTO loan_snapshots (loan_id, portfolio_id, snapshot_date, original_principal, principal_balance, interest_rate,
                                       term_months, days_past_due, delinquency_bucket, status)
           SELECT id, portfolio_id, $2, original_principal, $3, interest_rate, term_months, $4, $5, $6 FROM loans WHERE id = $1`,
          [s.loan_id, s.snapshot_date, s.principal_balance, s.days_past_due, bucketOf(s.days_past_due), s.status],
        );
      }
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('builds month cohorts and curves in SQL exactly as the pure definition does', async () => {
    const res = await t.http().get(`/portfolios/${pid}/vintages`).set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ portfolio_id: pid, period: 'month', vintages: computeVintages(loans, snapshots, 'month') });
    // Hand-worked (P = 40000): month 2 has A 9000 + B 28500, both 30+ dpd, and B's first default.
    expect(res.body.vintages[0]).toMatchObject({ vintage: '2025-01', loan_count: 2, original_principal: '40000.00', outstanding: '37300.00', default_rate: '0.75' });
    expect(res.body.vintages[0].curve[2]).toMatchObject({ months_on_book: 2, outstanding_ratio: '0.9375', dpd_30_plus_rate: '0.9375', cumulative_default_rate: '0.75' });
    expect(res.body.vintages[0].curve[3]).toMatchObject({ months_on_book: 3, outstanding_ratio: '0.22', dpd_30_plus_rate: '0', cumulative_default_rate: '0.75' });
  });

  it('aligns quarter cohorts by each loan’s own months on book', async () => {
    const res = await t.http().get(`/portfolios/${pid}/vintages?period=quarter`).set(bearer(token));
    expect(res.body).toEqual({ portfolio_id: pid, period: 'quarter', vintages: computeVintages(loans, snapshots, 'quarter') });
    expect(res.body.vintages).toHaveLength(1);
    // P = 60000: (9500 + 29000 + 19000) / P and 29000 / P
    expect(res.body.vintages[0].curve[1]).toMatchObject({ months_on_book: 1, outstanding_ratio: '0.958333', dpd_30_plus_rate: '0.483333', cumulative_default_rate: '0' });
  });

  it('answers an empty portfolio, bad periods and other organizations', async () => {
    const empty = await insertPortfolio(org);
    expect((await t.http().get(`/portfolios/${empty}/vintages`).set(bearer(token))).body).toEqual({ portfolio_id: empty, period: 'month', vintages: [] });
    const bad = await t.http().get(`/portfolios/${pid}/vintages?period=week`).set(bearer(token));
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('period');
    expect((await t.http().get(`/portfolios/${pid}/vintages?granularity=month`).set(bearer(token))).status).toBe(400);
    expect((await t.http().get(`/portfolios/${pid}/vintages`).set(bearer(tokenFor(t.config, newOrg(), 'viewer')))).status).toBe(404);
  });
});
