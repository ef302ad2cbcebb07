import { SnapshotRunService } from '../../src/modules/snapshots/snapshot-run.service';
import { withOrgSql } from '../factories/db';
import { insertLoans, insertPortfolio } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

interface Row { loan_id: string; portfolio_id: string | null; snapshot_date: string; principal_balance: string }

/**
 * Issue 17.2: the portfolio index of loan snapshots holds only the rows where a loan enters a
 * portfolio (migration 1764600000090). Loans move between portfolios across runs, reruns and an
 * import of an earlier date; on every observed date each portfolio's answer (the list, offset and
 * keyset, and a past portfolio snapshot) names exactly the loans the date's unfiltered answer places in it.
 */
describe('portfolio entries of loan snapshots (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let viewer: string;
  let admin: string;
  let p1: string;
  let p2: string;
  let ids: string[];
  const dates: string[] = [];

  const change = (sql: string, params: unknown[]) => withOrgSql(org, (c) => c.query(sql, params));
  const runOn = async (d: string) => {
    await t.app.get(SnapshotRunService).snapshotDay(org, d);
    if (!dates.includes(d)) dates.push(d);
  };
  const list = async (query: string): Promise<Row[]> => {
    const res = await t.http().get(`/loan-snapshots?page_size=500&${query}`).set(bearer(viewer));
    expect(res.status).toBe(200);
    return res.body.results;
  };
  const loansIn = (rows: Row[], p: string) => rows.filter((r) => r.portfolio_id === p).map((r) => r.loan_id).sort();

  /** Each date's by-portfolio answers against its unfiltered one, which reads no portfolio index. */
  async function expectPortfoliosAgree() {
    for (const d of dates) {
      const all = await list(`snapshot_date=${d}`);
      for (const p of [p1, p2]) {
        const expected = loansIn(all, p);
        expect({ d, p, loans: (await list(`snapshot_date=${d}&portfolio_id=${p}`)).map((r) => r.loan_id).sort() }).toEqual({ d, p, loans: expected });
        const keyset = await list(`snapshot_date=${d}&portfolio_id=${p}&cursor=`);
        expect(keyset.map((r) => r.loan_id).sort()).toEqual(expected);
        const snap = await t.http().post(`/portfolios/${p}/snapshots`).set(bearer(admin)).send({ snapshot_date: d });
        // A portfolio with no loans on the date has no snapshot to compute (§5: 422).
        expect({ d, p, status: snap.status }).toEqual({ d, p, status: expected.length ? 201 : 422 });
        if (expected.length) expect({ d, p, total: snap.body.total_loans }).toEqual({ d, p, total: expected.length });
      }
    }
  }

  beforeAll(async () => {
    t = await startApp();
    viewer = tokenFor(t.config, org, 'viewer');
    admin = tokenFor(t.config, org, 'admin');
    p1 = await insertPortfolio(org);
    p2 = await insertPortfolio(org);
    ids = await insertLoans(org, [
      { loan_number: 'PE-1', origination_date: '2025-01-01', portfolio_id: p1, principal_balance: '1000.00' },
      { loan_number: 'PE-2', origination_date: '2025-01-01', portfolio_id: p1, principal_balance: '2000.00' },
      { loan_number: 'PE-3', origination_date: '2025-01-01', portfolio_id: p2, principal_balance: '3000.00' },
    ]);
    await withOrgSql(org, (c) => c.query(`SELECT ensure_loan_snapshot_partitions('2025-06-01', '2025-06-30')`));
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds every loan in its portfolio on every date, though payments write no entries', async () => {
    await runOn('2025-06-02'); // keyframe: every row an entry
    await change(`UPDATE loans SET principal_balance = 990.00 WHERE id = $1`, [ids[0]]);
    await runOn('2025-06-03'); // PE-1 pays: a row, not an entry
    await change(`UPDATE loans SET portfolio_id = $2 WHERE id = $1`, [ids[0], p2]);
    await runOn('2025-06-04'); // PE-1 enters p2
    await change(`UPDATE loans SET principal_balance = 980.00 WHERE id = $1`, [ids[0]]);
    await runOn('2025-06-05'); // PE-1 pays in p2
    await change(`UPDATE loans SET portfolio_id = $2, principal_balance = 970.00 WHERE id = $1`, [ids[0], p1]);
    await change(`UPDATE loans SET principal_balance = 1990.00 WHERE id = $1`, [ids[1]]);
    await runOn('2025-06-06'); // PE-1 back in p1; PE-2 pays
    await change(`UPDATE loans SET portfolio_id = $2 WHERE id = $1`, [ids[1], p2]);
    await runOn('2025-06-06'); // a rerun: PE-2's row of the date now enters p2
    await change(`UPDATE loans SET portfolio_id = $2 WHERE id = $1`, [ids[1], p1]);
    await runOn('2025-06-06'); // and again: PE-2 back in p1 (its row stays an entry: harmless)

    const entries = await withOrgSql(org, async (c) => (await c.query<{ d: string; loan: string; entry: boolean }>(
      `SELECT s.snapshot_date::text AS d, l.loan_number AS loan, s.portfolio_entry AS entry FROM loan_snapshots s JOIN loans l ON l.id = s.loan_id
        WHERE s.organization_id = $1 AND s.snapshot_date > '2025-06-02' ORDER BY 1, 2`, [org])).rows);
    expect(entries).toEqual([
      { d: '2025-06-03', loan: 'PE-1', entry: false },
      { d: '2025-06-04', loan: 'PE-1', entry: true },
      { d: '2025-06-05', loan: 'PE-1', entry: false },
      { d: '2025-06-06', loan: 'PE-1', entry: true },
      { d: '2025-06-06', loan: 'PE-2', entry: true },
    ]);
    expect(loansIn(await list('snapshot_date=2025-06-05'), p2)).toEqual([ids[0], ids[2]].sort());
    await expectPortfoliosAgree();
  });

  it('an import of an earlier date makes the row after it an entry when the portfolio there changed', async () => {
    await change(`UPDATE loans SET principal_balance = 2990.00 WHERE id = $1`, [ids[2]]);
    await runOn('2025-06-09'); // PE-3 pays in p2: not an entry
    await change(`UPDATE loans SET portfolio_id = $2 WHERE id = $1`, [ids[2], p1]);
    // Imported rows take the loan's portfolio now. PE-3 is in p1 on 2025-06-06 and back in p2 on
    // 2025-06-09 (its keyframe row is an entry of p2 too). PE-1 is in p1 on 2025-06-04, where it
    // had entered p2: its row of 2025-06-05 (a payment in p2) is now its only row there, and must enter p2.
    const csv = ['loan_number,snapshot_date,principal_balance,days_past_due,status', 'PE-3,2025-06-06,2995.00,0,active', 'PE-1,2025-06-04,985.00,0,active'].join('\n');
    const res = await t.http().post('/loan-snapshots/import').set(bearer(admin)).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(200);
    const onSixth = await list(`snapshot_date=2025-06-06&loan_id=${ids[2]}`);
    expect(onSixth.map((r) => [r.portfolio_id, r.principal_balance])).toEqual([[p1, '2995.00']]);
    const onFifth = await list(`snapshot_date=2025-06-05&portfolio_id=${p2}`);
    expect(onFifth.map((r) => [r.loan_id, r.principal_balance])).toEqual([[ids[2], '3000.00'], [ids[0], '980.00']].sort(([a], [b]) => (a < b ? 1 : -1)));
    const onNinth = await list(`snapshot_date=2025-06-09&portfolio_id=${p2}`);
    expect(onNinth.map((r) => [r.loan_id, r.principal_balance])).toEqual([[ids[2], '2990.00']]);
    await expectPortfoliosAgree();
  });
});
