import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { BenchCase, postCsvFile } from '../lib';

/** 24 month-ends, as a lender's monthly tapes arrive on day one (issue 17.1). */
const MONTHS = Number(process.env.BENCH_HISTORY_MONTHS ?? 24);
const COLUMNS = 'loan_number,snapshot_date,principal_balance,days_past_due,status';

/** The last day of each of the MONTHS months before this one, oldest first. */
function monthEnds(): string[] {
  const now = new Date();
  return Array.from({ length: MONTHS }, (_, k) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - MONTHS + k + 1, 0)))
    .map((d) => d.toISOString().slice(0, 10));
}

/** Loan i at month-end m: its balance runs down by month, a few loans late. */
function csvRow(i: number, m: number, date: string): string {
  const dpd = i % 29 === 0 ? (m * 7 + i) % 150 : 0;
  const balance = 2000 + (i % 7919) + (MONTHS - m) * 25;
  return `HI-${String(i).padStart(8, '0')},${date},${balance}.${String(i % 100).padStart(2, '0')},${dpd},active\n`;
}

/** Writes the file once per size (months outer, loans inner); later runs reuse it. */
async function csvFile(loans: number, dates: string[]): Promise<string> {
  const file = path.join(tmpdir(), `portfolio-bench-history-${loans}x${dates.length}-${dates[dates.length - 1]}.csv`);
  if (existsSync(file)) return file;
  const out = createWriteStream(`${file}.part`);
  out.write(`${COLUMNS}\n`);
  for (const [m, date] of dates.entries()) {
    for (let i = 1; i <= loans; ) {
      let chunk = '';
      for (let k = 0; k < 5000 && i <= loans; k++, i++) chunk += csvRow(i, m, date);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${file}.part`, file);
  return file;
}

/**
 * History import (issue 17.1): MONTHS month-ends × ctx.loans loans in one request, into an
 * organization of its own that has the loans and no history. Service = POST
 * /loan-snapshots/import, request sent to response received (rows written, month-end
 * aggregates built, the portfolio-snapshot job enqueued). Floor = `\copy` of the same file
 * into an unindexed staging table (the target: ≤ 3×). Server memory is its peak RSS.
 */
const historyImport: BenchCase = {
  name: 'history-import',
  async run(ctx) {
    const dates = monthEnds();
    const file = await csvFile(ctx.loans, dates);
    const org = randomUUID();
    const token = ctx.server.token(org, 'admin');
    ctx.psql(`
      INSERT INTO organizations (id) VALUES ('${org}');
      SET app.org_id = '${org}';
      INSERT INTO portfolios (name, portfolio_type, status) SELECT 'Bench history ' || g, 'static', 'active' FROM generate_series(1, 100) g;
      WITH p AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM portfolios WHERE organization_id = '${org}')
      INSERT INTO loans (loan_number, borrower_name, program_id, origination_date, original_principal, principal_balance,
                         interest_rate, term_months, days_past_due, status, portfolio_id)
      SELECT 'HI-' || lpad(g::text, 8, '0'), 'Borrower ' || g, '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b', date '${dates[0]}' - 30 - (g % 400),
             12000, 2000 + (g % 7919), 0.05 + (g % 100) / 1000.0, 60, 0, 'active', p.id
        FROM generate_series(1, ${ctx.loans}) g JOIN p ON p.n = g % 100;
      VACUUM ANALYZE loans;`);
    ctx.server.resetPeakRss();
    const service = await ctx.time(() => postCsvFile(`${ctx.server.url}/loan-snapshots/import`, token, file));
    const rssMb = ctx.server.peakRssMb();
    if (service.value.status !== 200) throw new Error(`history import: ${service.value.status} ${service.value.body.slice(0, 2000)}`);
    const floorMs = ctx.psql(`
      CREATE UNLOGGED TABLE floor_history_stage (loan_number text, snapshot_date date, principal_balance numeric(18,2), days_past_due integer, status text);
      \\copy floor_history_stage (${COLUMNS}) FROM '${file}' WITH (FORMAT csv, HEADER true)`);
    ctx.psql(`DROP TABLE floor_history_stage`);
    return [
      {
        case: `history import ${MONTHS} month-ends × ${ctx.loans} loans (CSV over HTTP)`,
        service_ms: service.ms,
        floor_ms: floorMs,
        target: { factor: 3 },
        extra: { rows: MONTHS * ctx.loans, csv_mb: Math.round(statSync(file).size / 2 ** 20), server_peak_rss_mb: rssMb, answer: service.value.body.slice(0, 120) },
      },
    ];
  },
};

export default historyImport;
