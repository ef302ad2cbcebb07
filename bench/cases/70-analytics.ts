import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { seed as history } from '../../scripts/seed/history';
import { seed as loans } from '../../scripts/seed/loans';
import { seed as portfolios } from '../../scripts/seed/portfolios';
import { performanceFromSumsSql, transitionsFromSumsSql } from '../../src/modules/analytics/analytics-sql';
import { monthIndex, monthLabel } from '../../src/modules/analytics/loan-month';
import { cohortsSql, curveSql } from '../../src/modules/snapshots/vintages.service';
import { BenchCase, BenchContext, BenchRow } from '../lib';

const RUNS = 21;
const WARM_UP = 3;

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Warm p50 of one GET, every answer checked. */
async function timeGet(ctx: BenchContext, token: string, path: string, check: (body: unknown) => void): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const t = await ctx.time(() => get(ctx, token, path));
    if (t.value.status !== 200) throw new Error(`${path}: ${t.value.status} ${t.value.text.slice(0, 300)}`);
    if (i === 0) check(t.value.text.startsWith('{') ? JSON.parse(t.value.text) : t.value.text);
    if (i >= WARM_UP) times.push(t.ms);
  }
  return p50(times);
}

/** A GET whose body may be JSON, CSV or XLSX (fetchJson parses JSON only). */
async function get(ctx: BenchContext, token: string, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(ctx.server.url + path, { headers: { Authorization: `Bearer ${token}` } });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, text: res.headers.get('content-type')?.includes('json') ? buf.toString('utf8') : `bytes:${buf.length}` };
}

/** Warm p50 of the service's own read statements on a plain connection (the floor). */
async function timeSql(client: Client, statements: [string, unknown[]][]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const t0 = process.hrtime.bigint();
    for (const [sql, params] of statements) await client.query(sql, params);
    if (i >= WARM_UP) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return p50(times);
}

/**
 * Vintages, performance and transitions (issues 17.3, 18.6) for the largest portfolio of an
 * organization seeded by `npm run seed`'s own parts (ctx.loans loans over 24 months, with 24
 * month-ends of history built into the month-end aggregates). Service = warm p50 of the GET
 * (JSON, and the exports); floor = warm p50 of the same read statements on a plain
 * connection. `scan_ms` is the issue's reference: one plain pass over the portfolio's
 * month-end loan snapshots (what computing the curves from raw history must at least read).
 */
const analytics: BenchCase = {
  name: 'analytics',
  async run(ctx) {
    const org = randomUUID();
    const token = ctx.server.token(org, 'viewer');
    const client = new Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      await client.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
      await client.query('INSERT INTO organizations (id) VALUES ($1)', [org]);
      const log = (m: string) => process.stdout.write(`  ${m}\n`);
      const t0 = Date.now();
      const seedCtx = { client, org, loans: ctx.loans, log };
      for (const part of [portfolios, loans, history]) await part(seedCtx);
      log(`seeded in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      await client.query('VACUUM ANALYZE loans, loan_month_ends, analytics_loans, portfolio_month_sums, portfolio_transition_sums');
      const [{ id, n, month_ends }] = (await client.query(
        `SELECT l.portfolio_id AS id, count(*)::int AS n,
                (SELECT count(*)::int FROM loan_month_ends e JOIN loans m ON m.organization_id = e.organization_id AND m.id = e.loan_id
                  WHERE e.organization_id = $1 AND m.portfolio_id = l.portfolio_id) AS month_ends
           FROM loans l WHERE l.organization_id = $1 AND l.portfolio_id IS NOT NULL
          GROUP BY l.portfolio_id ORDER BY count(*) DESC LIMIT 1`,
        [org],
      )).rows;
      const now = monthIndex(new Date().toISOString().slice(0, 10));
      const range = `from=${monthLabel(now - 23)}&to=${monthLabel(now)}`;
      const extra = { portfolio_loans: n, month_ends };

      // The floor reads as the service does: the runtime role, under row-level security.
      const url = new URL(ctx.databaseUrl);
      url.username = process.env.DATABASE_RUNTIME_USER ?? 'portfolio_runtime';
      const reader = new Client({ connectionString: url.toString() });
      await reader.connect();
      await reader.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
      const cohorts = (await client.query(cohortsSql('month'), [org, id])).rows as { vintage: string; original_principal: string }[];
      const curveParams = [org, id, cohorts.map((c) => c.vintage), cohorts.map((c) => c.original_principal)];
      const vintagesFloor = await timeSql(reader, [[cohortsSql('month'), [org, id]], [curveSql('month', 'months_on_book'), curveParams]]);
      const quarters = (await client.query(cohortsSql('quarter'), [org, id])).rows as { vintage: string; original_principal: string }[];
      const quarterFloor = await timeSql(reader, [[cohortsSql('quarter'), [org, id]],
        [curveSql('quarter', 'calendar'), [org, id, quarters.map((c) => c.vintage), quarters.map((c) => c.original_principal)]]]);
      const performanceFloor = await timeSql(reader, [[performanceFromSumsSql, [org, id, now - 23, now]]]);
      const transitionsFloor = await timeSql(reader, [[transitionsFromSumsSql, [org, id, now - 22, now]]]);
      const scanMs = await timeSql(reader, [[
        `SELECT count(*), sum(s.principal_balance) FROM loan_snapshots s JOIN loans l ON l.organization_id = s.organization_id AND l.id = s.loan_id
          WHERE s.organization_id = $1 AND l.portfolio_id = $2`, [org, id]]]);

      await reader.end();
      const nonEmpty = (what: string) => (body: unknown) => {
        const b = body as { vintages?: unknown[]; points?: unknown[]; periods?: unknown[] } | string;
        const items = typeof b === 'string' ? (b === 'bytes:0' ? [] : [b]) : (b.vintages ?? b.points ?? b.periods ?? []);
        if (!items.length) throw new Error(`${what}: empty answer`);
      };
      const base = `/portfolios/${id}`;
      const rows: BenchRow[] = [];
      const add = (name: string, ms: number, floor: number, maxMs: number) =>
        rows.push({ case: name, service_ms: ms, floor_ms: floor, target: { maxMs }, extra: { ...extra, scan_ms: Math.round(scanMs) } });
      add('vintages (largest portfolio)', await timeGet(ctx, token, `${base}/vintages`, nonEmpty('vintages')), vintagesFloor, 200);
      add('vintages quarter, calendar', await timeGet(ctx, token, `${base}/vintages?period=quarter&basis=calendar`, nonEmpty('vintages')), quarterFloor, 300);
      add('vintages XLSX', await timeGet(ctx, token, `${base}/vintages?format=xlsx`, nonEmpty('vintages xlsx')), vintagesFloor, 300);
      add('performance 24 months', await timeGet(ctx, token, `${base}/performance?${range}`, nonEmpty('performance')), performanceFloor, 300);
      add('performance CSV', await timeGet(ctx, token, `${base}/performance?${range}&format=csv`, nonEmpty('performance csv')), performanceFloor, 300);
      add('transitions 24 months', await timeGet(ctx, token, `${base}/transitions?${range}`, nonEmpty('transitions')), transitionsFloor, 300);
      add('transitions XLSX', await timeGet(ctx, token, `${base}/transitions?${range}&format=xlsx`, nonEmpty('transitions xlsx')), transitionsFloor, 300);

      // What keeping them costs: a run on the first day of a month (a new month-end per loan),
      // a rerun (every loan's month-end rewritten, unchanged), and the read after a transfer.
      const admin = ctx.server.token(org, 'admin');
      const run = async () => {
        const res = await ctx.fetchJson(admin, 'POST', '/snapshot-runs', {});
        if (res.status !== 202) throw new Error(`snapshot-runs: ${JSON.stringify(res.body)}`);
        return (await ctx.time(() => ctx.waitJob(admin, res.body.status_url))).ms;
      };
      const loansInOrg = ctx.loans;
      rows.push({ case: 'snapshot run, first of a month (info)', service_ms: await run(), extra: { loans: loansInOrg } });
      rows.push({ case: 'snapshot run, rerun (info)', service_ms: await run(), extra: { loans: loansInOrg } });
      const target = (await client.query(`SELECT id FROM portfolios WHERE organization_id = $1 AND status = 'active' AND portfolio_type = 'static' AND id <> $2 LIMIT 1`, [org, id])).rows[0].id;
      const moved = (await client.query(`SELECT id FROM loans WHERE organization_id = $1 AND portfolio_id = $2 ORDER BY id LIMIT 1000`, [org, id])).rows.map((r) => r.id);
      const transfer = await ctx.fetchJson(admin, 'POST', `${base}/transfer-loans`, { target_portfolio_id: target, loan_ids: moved });
      if (transfer.status !== 200) throw new Error(`transfer: ${JSON.stringify(transfer.body)}`);
      const firstRead = await ctx.time(() => get(ctx, token, `${base}/vintages`));
      rows.push({ case: 'first vintages read after a 1000-loan transfer (info)', service_ms: firstRead.ms, extra: { loans: loansInOrg } });
      return rows;
    } finally {
      await client.end();
    }
  },
};

export default analytics;
