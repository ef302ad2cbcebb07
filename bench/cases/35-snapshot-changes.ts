import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppModule } from '../../src/app/app.module';
import { loadConfig } from '../../src/config/env';
import { SnapshotRunService } from '../../src/modules/snapshots/snapshot-run.service';
import { LOAN_SNAPSHOT_FROM_LOANS, statesOnSql } from '../../src/modules/snapshots/snapshot-sql';
import { BenchCase, BenchContext, BenchRow } from '../lib';

const PORTFOLIOS = 100;
/** 30 daily runs; BENCH_CHANGE_DAYS runs fewer when profiling. */
const DAYS = Number(process.env.BENCH_CHANGE_DAYS ?? 30);
/** Of every 10 loans, one changes between two runs. */
const CHANGED_PER_10 = 1;
const RUNS = 9;
const WARM_UP = 2;

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cursor = (date: string, loan: string) => Buffer.from(JSON.stringify([date, loan]), 'utf8').toString('base64url');

/** Warm p50 of a GET (checked once), and of the same read on a full-day table (the floor). */
async function timeGet(ctx: BenchContext, token: string, path: string, expectRows: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const t = await ctx.time(() => ctx.fetchJson(token, 'GET', path));
    if (t.value.status !== 200) throw new Error(`${path}: ${t.value.status} ${JSON.stringify(t.value.body).slice(0, 300)}`);
    if (i === 0 && t.value.body.results.length !== expectRows) throw new Error(`${path}: ${t.value.body.results.length} rows, expected ${expectRows}`);
    if (i >= WARM_UP) times.push(t.ms);
  }
  return p50(times);
}

async function timeSql(client: Client, sql: string, params: unknown[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await client.query(sql, params);
    if (i >= WARM_UP) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return p50(times);
}

/** What `GET /loan-snapshots` ran before loan snapshots became versions, on full daily rows. */
const oldListSql = (filter: string, keyset: boolean, size: number) => `SELECT id, loan_id, portfolio_id, snapshot_date, principal_balance, days_past_due,
    delinquency_bucket, status, interest_rate, next_payment_date, charged_off_amount, recovered_amount
   FROM floor_full WHERE organization_id = $1 ${filter} ${keyset ? 'AND (snapshot_date, loan_id) < ($2::date, $3::uuid)' : ''}
  ORDER BY snapshot_date DESC, loan_id DESC LIMIT ${size + 1}`;

/**
 * Issue 17.2: 30 daily runs over ctx.loans loans in 100 portfolios, 10 % of the loans changed
 * before each run after the first (dated through SnapshotRunService.snapshotDay in this process: HTTP
 * runs only today). Service = one run (the median of runs 2–30 and the last); floor = a
 * CREATE TABLE AS SELECT of the same loan rows in psql; beside it, the month-end upkeep its
 * follow-up job does after it (run here in this process, right after the run). Storage = the month's partition and the
 * organization's heads, per loan-day (the run's tables vacuumed and analyzed between
 * runs, as autovacuum would in a day; it is off on the bench machine). Then `GET /loan-snapshots` by date, by portfolio, by
 * loan and unfiltered, at the first keyset page and at the row where page 10 000 starts, beside
 * the query the list ran before on a table of the same answers stored as full days.
 */
const snapshotChanges: BenchCase = {
  name: 'snapshot-changes',
  async run(ctx) {
    const org = randomUUID();
    const token = ctx.server.token(org, 'viewer');
    const days = Array.from({ length: DAYS }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`);
    ctx.psql(`
      INSERT INTO organizations (id) VALUES ('${org}');
      SET app.org_id = '${org}';
      SELECT ensure_loan_snapshot_partitions('2026-10-01', '2026-10-31');
      INSERT INTO portfolios (name, portfolio_type, status)
      SELECT 'Bench changes ' || g, 'static', 'active' FROM generate_series(1, ${PORTFOLIOS}) g;
      WITH p AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM portfolios WHERE organization_id = '${org}')
      INSERT INTO loans (loan_number, borrower_name, program_id, origination_date, original_principal, principal_balance,
                         interest_rate, term_months, days_past_due, status, next_payment_date, portfolio_id)
      SELECT 'SC-' || lpad(g::text, 8, '0'), 'Borrower ' || g, '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b', date '2023-01-01' + (g % 900),
             10000 + (g % 5000), 2000 + (g % 7919), 0.05 + (g % 100) / 1000.0, 12 + (g % 49),
             CASE WHEN g % 13 = 0 THEN (g % 200) ELSE 0 END, 'active', date '2026-11-01' + (g % 28), p.id
        FROM generate_series(1, ${ctx.loans}) g JOIN p ON p.n = g % ${PORTFOLIOS};
      VACUUM ANALYZE loans, portfolios;`);
    const partition = () => Number(ctx.psqlOut(`SELECT pg_total_relation_size('loan_snapshots_2026_10')`));
    const heads = () => Number(ctx.psqlOut(`SELECT pg_total_relation_size('loan_snapshot_heads')`));
    const headsBefore = heads();

    const config = loadConfig({ ...process.env, DATABASE_URL: ctx.databaseUrl, PROCESS_ROLE: 'api', LOG_LEVEL: 'warn', QUEUE_PREFIX: `bench_changes_${Date.now().toString(36)}` });
    const app = await NestFactory.createApplicationContext(AppModule.forRole(config), { logger: false });
    const runs: number[] = [];
    const upkeep: number[] = [];
    try {
      const service = app.get(SnapshotRunService);
      for (const [i, d] of days.entries()) {
        if (i > 0) {
          // A tenth of the loans (a different tenth each day) pay down a little.
          ctx.psql(`SET app.org_id = '${org}';
            UPDATE loans SET principal_balance = principal_balance - 1
             WHERE organization_id = '${org}' AND abs(hashtext(id::text || '${d}')) % 10 < ${CHANGED_PER_10};`);
          ctx.psql(`VACUUM loans`);
        }
        const t = await ctx.time(() => service.snapshotDay(org, d));
        if (t.value.loan_snapshots !== ctx.loans) throw new Error(`run ${d}: ${JSON.stringify(t.value)}`);
        runs.push(t.ms);
        // The run's follow-up job (a keyframe has done its upkeep itself, so it finds nothing to do).
        upkeep.push((await ctx.time(() => service.catchUpMonthEnds(org))).ms);
        // A day passes between two runs: autovacuum (off on the bench machine) would have reclaimed old row versions.
        ctx.psql(`VACUUM ANALYZE loan_snapshot_heads, loan_snapshot_pending, loan_month_ends, analytics_loans`);
        ctx.psql(`ANALYZE loan_snapshots_2026_10`);
      }
    } finally {
      await app.close();
    }
    const storedRows = Number(ctx.psqlOut(`SET app.org_id = '${org}'; SELECT count(*) FROM loan_snapshots WHERE organization_id = '${org}'`).split('\n').pop());
    const bytes = partition() + (heads() - headsBefore);
    const ctasMs = ctx.psql(`
      SET app.org_id = '${org}';
      PREPARE c(uuid, date) AS SELECT ${LOAN_SNAPSHOT_FROM_LOANS} FROM loans WHERE organization_id = $1;
      CREATE TABLE floor_ctas AS EXECUTE c('${org}', '2026-10-30');`);
    ctx.psql(`DROP TABLE floor_ctas;`);
    const steady = p50(runs.slice(1));
    const rows: BenchRow[] = [
      {
        case: `daily run ${ctx.loans} loans, 10 % changed (median of runs 2–${DAYS})`,
        service_ms: steady,
        floor_ms: ctasMs,
        target: { factor: 3 },
        extra: { last_run_ms: Math.round(runs[runs.length - 1]), first_run_ms: Math.round(runs[0]), max_ms: 3000 },
      },
      {
        case: `month-end upkeep after a run (its follow-up job; median of runs 2–${DAYS})`,
        service_ms: p50(upkeep.slice(1)),
        extra: { run_plus_upkeep_ms: Math.round(p50(runs.slice(1).map((r, i) => r + upkeep[i + 1]))), last_ms: Math.round(upkeep[upkeep.length - 1]) },
      },
      {
        case: `history storage over ${DAYS} daily runs (${ctx.loans} loans, 10 % changed)`,
        service_ms: 0,
        extra: {
          bytes_per_loan_day: (bytes / (DAYS * ctx.loans)).toFixed(1), target_bytes: 40, rows_stored: storedRows,
          loan_days: DAYS * ctx.loans, partition_mb: (partition() / 2 ** 20).toFixed(0), heads_mb: ((heads() - headsBefore) / 2 ** 20).toFixed(0),
        },
      },
    ];

    // The floor table: the same answers stored as full days, with the indexes the list used before.
    const last = days[days.length - 1];
    const client = new Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      await client.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
      const [{ portfolio }] = (await client.query(`SELECT portfolio_id AS portfolio FROM loans WHERE organization_id = $1 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`, [org])).rows;
      const [{ loan }] = (await client.query(`SELECT id AS loan FROM loans WHERE organization_id = $1 ORDER BY id LIMIT 1`, [org])).rows;
      // Unfiltered page 10 000 (100 a page) starts 1 000 000 rows in: every loan on the latest dates that reach it.
      const deepDates = days.slice(-Math.min(DAYS, Math.ceil((10_000 * 100 + 101) / ctx.loans)));
      const inPortfolio = Number((await client.query(`SELECT count(*)::int AS n FROM loans WHERE organization_id = $1 AND portfolio_id = $2`, [org, portfolio])).rows[0].n);
      await client.query(`DROP TABLE IF EXISTS floor_full`);
      await client.query(`CREATE TABLE floor_full (id uuid NOT NULL DEFAULT gen_random_uuid(), LIKE loan_snapshots INCLUDING DEFAULTS)`);
      for (const d of days) {
        const everyone = d === last || deepDates.includes(d);
        await client.query(`INSERT INTO floor_full (organization_id, loan_id, portfolio_id, snapshot_date, original_principal, principal_balance, interest_rate,
              term_months, days_past_due, delinquency_bucket, status, next_payment_date, charged_off_amount, recovered_amount)
           SELECT organization_id, loan_id, portfolio_id, snapshot_date, original_principal, principal_balance, interest_rate,
              term_months, days_past_due, delinquency_bucket, status, next_payment_date, charged_off_amount, recovered_amount
             FROM ${statesOnSql('$1', `'${d}'::date`)} s ${everyone ? '' : 'WHERE s.portfolio_id = $2 OR s.loan_id = $3'}`, everyone ? [org] : [org, portfolio, loan]);
      }
      await client.query(`ALTER TABLE floor_full ADD PRIMARY KEY (organization_id, loan_id, snapshot_date)`);
      await client.query(`CREATE INDEX ON floor_full (organization_id, snapshot_date, loan_id)`);
      await client.query(`CREATE INDEX ON floor_full (organization_id, portfolio_id, snapshot_date)`);
      await client.query(`VACUUM ANALYZE floor_full`);

      // Where page 10 000 starts for each list (a smaller page when the list is shorter than 10 000 pages of 100).
      const deepKey = async (filter: string, params: unknown[], total: number) => {
        const size = Math.max(1, Math.min(100, Math.floor((total - 101) / 10_000)));
        const { rows: at } = await client.query(`SELECT snapshot_date::text AS d, loan_id::text AS l FROM floor_full WHERE organization_id = $1 ${filter}
            ORDER BY snapshot_date DESC, loan_id DESC OFFSET ${9_999 * size - 1} LIMIT 1`, params);
        return { size, key: [at[0].d, at[0].l] as [string, string] };
      };
      const cases: { name: string; query: string; filter: string; params: unknown[]; total: number }[] = [
        { name: 'by date', query: `snapshot_date=${last}`, filter: `AND snapshot_date = '${last}'`, params: [], total: ctx.loans },
        { name: 'by portfolio', query: `portfolio_id=${portfolio}`, filter: `AND portfolio_id = '${portfolio}'`, params: [], total: inPortfolio * DAYS },
        { name: 'by loan', query: `loan_id=${loan}`, filter: `AND loan_id = '${loan}'`, params: [], total: DAYS },
        { name: 'unfiltered', query: '', filter: '', params: [], total: DAYS * ctx.loans },
      ];
      for (const c of cases) {
        const first = await timeGet(ctx, token, `/loan-snapshots?${c.query}&page_size=100&cursor=`, Math.min(100, c.total));
        const firstFloor = await timeSql(client, oldListSql(c.filter, false, 100), [org]);
        rows.push({ case: `GET /loan-snapshots ${c.name}, first page`, service_ms: first, floor_ms: firstFloor, target: { factor: 1, slackMs: 15 }, extra: { floor: 'before, full days' } });
        if (c.total < 10_000 + 101) continue;
        const { size, key } = await deepKey(c.filter, [org], c.total);
        const deep = await timeGet(ctx, token, `/loan-snapshots?${c.query}&page_size=${size}&cursor=${cursor(...key)}`, size);
        const deepFloor = await timeSql(client, oldListSql(c.filter, true, size), [org, ...key]);
        rows.push({ case: `GET /loan-snapshots ${c.name}, page 10 000`, service_ms: deep, floor_ms: deepFloor, target: { factor: 1, slackMs: 15 }, extra: { page_size: size, floor: 'before, full days' } });
      }
      // Offset paging answers a count too: the first page of each, for the record.
      for (const c of cases) {
        const withCount = await timeGet(ctx, token, `/loan-snapshots?${c.query}&page_size=100`, Math.min(100, c.total));
        const countFloor = await timeSql(client, `SELECT count(*) FROM floor_full WHERE organization_id = $1 ${c.filter}`, [org]);
        rows.push({ case: `GET /loan-snapshots ${c.name}, page 1 with count`, service_ms: withCount, floor_ms: countFloor, extra: { floor: 'count(*) before, full days' } });
      }
      await client.query(`DROP TABLE floor_full`);
    } finally {
      await client.end();
    }
    return rows;
  },
};

export default snapshotChanges;
