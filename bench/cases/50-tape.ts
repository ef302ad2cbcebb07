import { randomUUID } from 'node:crypto';
import { tapeSelectSql } from '../../src/modules/loan-tapes/tape-sql';
import { BenchCase, BenchContext, BenchRow, progressTrail } from '../lib';

const PROGRAM = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';
const COLUMNS = [
  'loan_number', 'borrower_name', 'principal_balance', 'interest_rate', 'days_past_due',
  'delinquency_bucket', 'next_payment_date', 'months_on_book',
];

/** A fresh organization with n loans, made in one set-based statement. */
function loadLoans(ctx: BenchContext, org: string, n: number): void {
  ctx.psql(`
    INSERT INTO organizations (id) VALUES ('${org}');
    INSERT INTO loans (organization_id, loan_number, borrower_name, program_id, currency, origination_date, maturity_date,
                       original_principal, principal_balance, interest_rate, term_months, days_past_due, status, next_payment_date)
    SELECT '${org}', 'T-' || lpad(g::text, 8, '0'),
           CASE WHEN g % 1000 = 0 THEN '=HYPERLINK("x")' ELSE 'Borrower ' || g END,
           '${PROGRAM}', 'USD', date '2023-01-01' + (g % 900), date '2028-01-01' + (g % 900),
           10000, (1000 + g % 9000) + (g % 100) / 100.0, 0.05 + (g % 97) / 1000.0, 36, g % 150, 'active',
           CASE WHEN g % 7 = 0 THEN NULL ELSE date '2026-12-01' + (g % 28) END
      FROM generate_series(1, ${n}) g;
    VACUUM ANALYZE loans;`);
}

/** POST …/generate to job completed, with the server's peak RSS over the run. */
async function timeTape(ctx: BenchContext, token: string, format: 'csv' | 'json' | 'xlsx') {
  const config = await ctx.fetchJson(token, 'POST', '/loan-tape-configs', { name: `bench ${format}`, format, columns: COLUMNS });
  if (config.status !== 201) throw new Error(`create config: ${JSON.stringify(config.body)}`);
  ctx.server.resetPeakRss();
  // Issue 14.5: rows written are reported every second; the trail of values polled is noted.
  const trail = progressTrail();
  const run = await ctx.time(async () => {
    const res = await ctx.fetchJson(token, 'POST', `/loan-tape-configs/${config.body.id}/generate`, {});
    if (res.status !== 202) throw new Error(`generate: ${JSON.stringify(res.body)}`);
    return ctx.waitJob(token, res.body.status_url, undefined, trail.onPoll);
  });
  const result = run.value.result as { row_count: number; byte_size: number };
  return { ms: run.ms, rssMb: ctx.server.peakRssMb(), rows: result.row_count, mb: Math.round(result.byte_size / 2 ** 20), progress: trail.seen() };
}

/**
 * Loan tape: a CSV tape of 8 columns over ctx.loans loans, against psql's \copy of the very
 * same formatted SELECT to a local file. JSON Lines (and XLSX when it fits comfortably) are
 * timed beside it for their peak RSS. BENCH_TAPE_5M=1 adds 1M- and 5M-row tapes to show
 * memory stays flat.
 */
const tape: BenchCase = {
  name: 'tape',
  async run(ctx) {
    const org = randomUUID();
    const token = ctx.server.token(org, 'admin');
    loadLoans(ctx, org, ctx.loans);
    const rows: BenchRow[] = [];

    const csv = await timeTape(ctx, token, 'csv');
    if (csv.rows !== ctx.loans) throw new Error(`tape has ${csv.rows} rows, expected ${ctx.loans}`);
    const sql = tapeSelectSql({ org, asOf: new Date().toISOString().slice(0, 10), source: 'live', portfolioId: null, columns: COLUMNS });
    const floorMs = ctx.psql(`\\copy (${sql.replace(/\s+/g, ' ')}) TO '/tmp/bench-tape-floor.csv' WITH CSV HEADER`);
    rows.push({
      case: `tape csv ${ctx.loans} loans`,
      service_ms: csv.ms,
      floor_ms: floorMs,
      target: { factor: 2, slackMs: 500 },
      extra: { peak_rss_mb: csv.rssMb, file_mb: csv.mb, progress_seen: csv.progress },
    });

    const json = await timeTape(ctx, token, 'json');
    rows.push({ case: `tape jsonl ${ctx.loans} loans`, service_ms: json.ms, extra: { peak_rss_mb: json.rssMb, file_mb: json.mb } });
    if (ctx.loans <= 250_000 || (process.env.BENCH_TAPE_XLSX === '1' && ctx.loans < 1_048_576)) {
      const xlsx = await timeTape(ctx, token, 'xlsx');
      rows.push({ case: `tape xlsx ${ctx.loans} loans`, service_ms: xlsx.ms, extra: { peak_rss_mb: xlsx.rssMb, file_mb: xlsx.mb } });
    }

    if (process.env.BENCH_TAPE_5M === '1') {
      for (const n of [1_000_000, 5_000_000]) {
        const bigOrg = randomUUID();
        const bigToken = ctx.server.token(bigOrg, 'admin');
        loadLoans(ctx, bigOrg, n);
        for (const format of ['csv', 'json'] as const) {
          const r = await timeTape(ctx, bigToken, format);
          rows.push({
            case: `tape ${format} ${n} loans (RSS)`,
            service_ms: r.ms,
            target: undefined,
            extra: { peak_rss_mb: r.rssMb, rss_under_300mb: r.rssMb < 300 ? 'yes' : 'NO', file_mb: r.mb },
          });
        }
      }
    }
    return rows;
  },
};

export default tape;
