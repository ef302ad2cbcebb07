import { monthLabel, monthIndex } from '../../src/modules/analytics/loan-month';
import { performanceSeries } from '../../src/modules/analytics/pool-figures';
import { transitionSeries } from '../../src/modules/analytics/transitions';
import { computeVintages, monthEndObservations, VintageLoan, VintageSnapshot } from '../../src/modules/snapshots/vintage-curves';
import { todayUtc } from '../../src/common/time/today';
import { withOrgSql } from '../factories/db';
import { PROGRAM_A } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';
import { awayFromUtcMidnight } from '../support/clock';

/**
 * The stored month-end aggregates (issue 17.3) against the pure §4/§11 definitions after every
 * way they change: a history import, a transfer and an unassign (cohorts follow current
 * membership), a re-import that moves a first default months earlier, a corrected origination
 * date, and daily runs. After each, the answers equal the definitions over the loans and
 * snapshots as they now are, and equal a rebuild from scratch.
 */
type Loan = VintageLoan & { charged_off_amount: string; recovered_amount: string };
const LOANS: Record<string, Omit<Loan, 'id'>> = {
  L1: { origination_date: '2025-01-10', original_principal: '10000.00', interest_rate: '0.06', term_months: 24, principal_balance: '9300.00', days_past_due: 130, status: 'defaulted', charged_off_amount: '0.00', recovered_amount: '0.00' },
  L2: { origination_date: '2025-01-15', original_principal: '5000.00', interest_rate: '0', term_months: 12, principal_balance: '0.00', days_past_due: 0, status: 'paid_off', charged_off_amount: '0.00', recovered_amount: '0.00' },
  L3: { origination_date: '2025-02-20', original_principal: '8000.00', interest_rate: '0.12', term_months: 36, principal_balance: '7500.00', days_past_due: 0, status: 'active', charged_off_amount: '0.00', recovered_amount: '0.00' },
  L4: { origination_date: '2025-02-05', original_principal: '3000.00', interest_rate: '0.09', term_months: 12, principal_balance: '0.00', days_past_due: 125, status: 'charged_off', charged_off_amount: '2700.00', recovered_amount: '300.00' },
  L5: { origination_date: '2025-01-25', original_principal: '4000.00', interest_rate: '0.1', term_months: 24, principal_balance: '2900.00', days_past_due: 0, status: 'active', charged_off_amount: '0.00', recovered_amount: '0.00' },
};
const HEADER = 'loan_number,snapshot_date,principal_balance,days_past_due,status,charged_off_amount,recovered_amount';
const HISTORY = [
  'L1,2025-01-31,10000.00,0,active,,', 'L1,2025-02-28,9600.00,0,active,,', 'L1,2025-03-31,9300.00,35,active,,',
  'L1,2025-04-30,9300.00,65,active,,', 'L1,2025-05-31,9300.00,130,defaulted,,',
  'L2,2025-01-31,5000.00,0,active,,', 'L2,2025-02-14,4800.00,0,active,,', 'L2,2025-02-28,4600.00,0,active,,',
  'L2,2025-03-31,0.00,0,paid_off,,', 'L2,2025-04-30,0.00,0,paid_off,,',
  'L3,2025-02-28,8000.00,0,active,,', 'L3,2025-03-31,7800.00,0,active,,', 'L3,2025-04-30,7600.00,15,active,,', 'L3,2025-05-31,7500.00,0,active,,',
  'L4,2025-02-28,3000.00,0,active,,', 'L4,2025-03-31,2700.00,45,active,,', 'L4,2025-04-30,2700.00,95,defaulted,,',
  'L4,2025-05-31,0.00,125,charged_off,2700.00,300.00',
  'L5,2025-01-31,4000.00,0,active,,', 'L5,2025-02-28,3900.00,0,active,,', 'L5,2025-03-31,3850.00,0,active,,',
  'L5,2025-04-30,3000.00,0,active,,', 'L5,2025-05-31,2900.00,0,active,,',
];

describe('month-end aggregates (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;
  const ids: Record<string, string> = {};
  const loans: Record<string, Loan> = {};
  const portfolio: Record<string, string | null> = {};
  /** Every stored snapshot, by loan number and date (a re-import replaces). */
  const snapshots = new Map<string, VintageSnapshot & { key: string }>();
  let P: string;
  let Q: string;

  const csvRows = (lines: string[]) => {
    for (const line of lines) {
      const [key, snapshot_date, principal_balance, dpd, status, co, rec] = line.split(',');
      snapshots.set(`${key}|${snapshot_date}`, {
        key, loan_id: ids[key], snapshot_date, principal_balance, days_past_due: Number(dpd), status,
        charged_off_amount: co || '0.00', recovered_amount: rec || '0.00',
        // The import takes the loan's rate, term and original principal as they are at the time.
        interest_rate: loans[key].interest_rate, term_months: loans[key].term_months, original_principal: loans[key].original_principal,
      });
    }
  };
  const importHistory = async (lines: string[]) => {
    const res = await t.http().post('/loan-snapshots/import').set(bearer(admin)).set('Content-Type', 'text/csv').send([HEADER, ...lines].join('\n'));
    expect(res.status).toBe(200);
    csvRows(lines);
    expect((await waitForJob(t, admin, res.body.status_url)).state).toBe('completed');
  };
  /** What a daily run records: each loan's current state, dated today. */
  const runToday = async () => {
    const res = await t.http().post('/snapshot-runs').set(bearer(admin)).send({});
    expect(res.status).toBe(202);
    expect((await waitForJob(t, admin, res.body.status_url)).state).toBe('completed');
    for (const [key, l] of Object.entries(loans)) {
      snapshots.set(`${key}|${todayUtc()}`, {
        key, loan_id: l.id, snapshot_date: todayUtc(), principal_balance: l.principal_balance, days_past_due: l.days_past_due,
        status: l.status, charged_off_amount: l.charged_off_amount, recovered_amount: l.recovered_amount,
        interest_rate: l.interest_rate, term_months: l.term_months, original_principal: l.original_principal,
      });
    }
  };
  const put = async (key: string, patch: Partial<Loan>) => {
    const res = await t.http().put(`/loans/${ids[key]}`).set(bearer(admin)).send(patch);
    expect(res.status).toBe(200);
    Object.assign(loans[key], patch);
  };

  const from = '2024-12';
  let to: string; // this month, once the file is clear of midnight
  const get = async (path: string) => {
    const res = await t.http().get(path).set(bearer(tokenFor(t.config, org, 'viewer')));
    expect(res.status).toBe(200);
    return res.body;
  };
  const answers = async (pid: string) => ({
    month: await get(`/portfolios/${pid}/vintages`),
    quarter: await get(`/portfolios/${pid}/vintages?period=quarter&basis=calendar`),
    performance: await get(`/portfolios/${pid}/performance?from=${from}&to=${to}`),
    transitions: await get(`/portfolios/${pid}/transitions?from=${from}&to=${to}`),
  });
  /** The pure definitions over the portfolio's current loans and every stored snapshot. */
  const defined = (pid: string) => {
    const members = Object.entries(loans).filter(([k]) => portfolio[k] === pid).map(([, l]) => l);
    const mine = new Set(members.map((l) => l.id));
    const snaps = [...snapshots.values()].filter((s) => mine.has(s.loan_id)).map(({ key: _, ...s }) => s);
    const observations = monthEndObservations(members, snaps);
    return {
      month: { portfolio_id: pid, period: 'month', vintages: computeVintages(members, snaps, 'month') },
      quarter: { portfolio_id: pid, period: 'quarter', vintages: computeVintages(members, snaps, 'quarter', 'calendar') },
      performance: { portfolio_id: pid, points: performanceSeries(observations, from, to) },
      transitions: expect.objectContaining({ portfolio_id: pid, periods: transitionSeries(observations, from, to) }),
    };
  };
  const expectDefined = async () => {
    for (const pid of [P, Q]) expect(await answers(pid)).toEqual(defined(pid));
  };
  /** The same answers from tables rebuilt from the loan snapshots (the first-use build). */
  const expectRebuildAgrees = async () => {
    const before = { p: await answers(P), q: await answers(Q) };
    await withOrgSql(org, (c) => c.query(`DELETE FROM analytics_state`));
    expect({ p: await answers(P), q: await answers(Q) }).toEqual(before);
  };

  beforeAll(async () => {
    await awayFromUtcMidnight(30_000);
    to = monthLabel(monthIndex(todayUtc()));
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
    P = (await t.http().post('/portfolios').set(bearer(admin)).send({ name: 'P', portfolio_type: 'static' })).body.id;
    Q = (await t.http().post('/portfolios').set(bearer(admin)).send({ name: 'Q', portfolio_type: 'static' })).body.id;
    for (const [key, l] of Object.entries(LOANS)) {
      const res = await t.http().post('/loans').set(bearer(admin)).send({ loan_number: key, borrower_name: key, program_id: PROGRAM_A, ...l });
      if (res.status !== 201) throw new Error(`loan ${key}: ${JSON.stringify(res.body)}`);
      ids[key] = res.body.id;
      loans[key] = { ...l, id: res.body.id };
    }
    await t.http().post(`/portfolios/${P}/loans`).set(bearer(admin)).send({ loan_ids: ['L1', 'L2', 'L3', 'L4'].map((k) => ids[k]) }).expect(200);
    await t.http().post(`/portfolios/${Q}/loans`).set(bearer(admin)).send({ loan_ids: [ids.L5] }).expect(200);
    Object.assign(portfolio, { L1: P, L2: P, L3: P, L4: P, L5: Q });
  });
  afterAll(async () => {
    await t.close();
  });

  it('after a history import: two cohorts, curves and series as defined', async () => {
    await importHistory(HISTORY);
    await expectDefined();
    // Hand-checked: P's January cohort (L1 10000 + L2 5000) at months on book 1 is 9600 + 4600 = 14200 of 15000.
    const [jan] = (await get(`/portfolios/${P}/vintages`)).vintages;
    expect(jan.curve[1]).toMatchObject({ months_on_book: 1, outstanding_ratio: '0.946667' });
  });

  it('a transfer and an unassign move the loans’ months between portfolios at once', async () => {
    await t.http().post(`/portfolios/${P}/transfer-loans`).set(bearer(admin)).send({ target_portfolio_id: Q, loan_ids: [ids.L2] }).expect(200);
    await t.http().delete(`/portfolios/${P}/loans/${ids.L3}`).set(bearer(admin)).expect(204);
    Object.assign(portfolio, { L2: Q, L3: null });
    await expectDefined();
    // P's February cohort is L4 alone now (L3 left): 3000 → 2700 at months on book 1.
    const feb = (await get(`/portfolios/${P}/vintages`)).vintages.find((v: { vintage: string }) => v.vintage === '2025-02');
    expect(feb.curve[1]).toMatchObject({ months_on_book: 1, outstanding_ratio: '0.9' });
  });

  it('a re-import that moves a first default two months earlier, a corrected origination date and principal', async () => {
    await importHistory(['L1,2025-03-31,9300.00,125,defaulted,,', 'L5,2025-02-28,3700.00,0,active,,']);
    await expectDefined();
    await put('L4', { origination_date: '2025-01-28' });
    await expectDefined();
    // L1's first default counts its original principal: a correction moves the cumulative default rate.
    await put('L1', { original_principal: '12000.00' });
    await expectDefined();
    await expectRebuildAgrees();
  });

  it('daily runs: the current month’s month-end is the latest run’s', async () => {
    // Last month observed for two loans, so this month's figures start from it (B0, S, U).
    const lastMonthEnd = new Date(Date.UTC(Number(to.slice(0, 4)), Number(to.slice(5, 7)) - 1, 0)).toISOString().slice(0, 10);
    // L6, originated last month over five years, prepays after the first run: its U moves from 0.
    const L6 = { origination_date: `${lastMonthEnd.slice(0, 7)}-01`, original_principal: '10000.00', interest_rate: '0.12', term_months: 60,
      principal_balance: '9900.00', days_past_due: 0, status: 'active', charged_off_amount: '0.00', recovered_amount: '0.00' };
    const created = await t.http().post('/loans').set(bearer(admin)).send({ loan_number: 'L6', borrower_name: 'L6', program_id: PROGRAM_A, ...L6 });
    expect(created.status).toBe(201);
    ids.L6 = created.body.id;
    loans.L6 = { ...L6, id: created.body.id };
    await t.http().post(`/portfolios/${Q}/loans`).set(bearer(admin)).send({ loan_ids: [ids.L6] }).expect(200);
    portfolio.L6 = Q;
    await importHistory([`L5,${lastMonthEnd},2700.00,0,active,,`, `L4,${lastMonthEnd},2000.00,0,active,,`, `L6,${lastMonthEnd},10000.00,0,active,,`]);
    await runToday();
    await expectDefined();
    await put('L5', { principal_balance: '2500.00' });
    await put('L6', { principal_balance: '9000.00' });
    await put('L1', { principal_balance: '0.00', status: 'charged_off', charged_off_amount: '9300.00' });
    await runToday();
    await expectDefined();
    await expectRebuildAgrees();
  });
});
