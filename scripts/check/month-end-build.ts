/**
 * One-off check: the whole-organization build of the month-end tables by the old BUILD_SQL
 * (old-month-end-sql.ts, main's copy) and by the new one give the same rows, on the same data,
 * in one transaction that is rolled back. `--mess` first breaks the seed's regular history:
 * gaps, earlier rows within a month, latest rows made "not observed".
 *   DATABASE_URL=… ts-node --transpile-only scripts/check/month-end-build.ts --org <uuid> [--mess]
 */
import { Client } from 'pg';
import { loadDotEnv } from '../../src/config/dotenv';
import { loadConfig } from '../../src/config/env';
import { buildMonthEnds } from '../../src/modules/analytics/month-ends';
import { BUILD_SQL as NEW_BUILD } from '../../src/modules/analytics/month-end-sql';
import { BUILD_SQL as OLD_BUILD, COUNT_ALL_SQL, firstDefaultsSql } from './old-month-end-sql';

const TABLES = ['loan_month_ends', 'analytics_loans', 'portfolio_month_sums', 'portfolio_transition_sums'];

const MESS = [
  // Gaps: a loan missing from some month-ends (the next month has no M−1 row).
  `DELETE FROM loan_snapshots WHERE organization_id = $1 AND (hashtext(loan_id::text || snapshot_date::text) & 1023) < 50`,
  // An earlier row in the month with other figures: the month-end stays the later one.
  `INSERT INTO loan_snapshots (loan_id, portfolio_id, snapshot_date, original_principal, principal_balance, interest_rate, term_months,
                               days_past_due, delinquency_bucket, status, next_payment_date, charged_off_amount, recovered_amount)
   SELECT loan_id, portfolio_id, snapshot_date - 3, original_principal, principal_balance + 17.5, interest_rate, term_months + 1,
          days_past_due + 40, delinquency_bucket, CASE WHEN status = 'active' THEN 'defaulted' ELSE 'active' END, next_payment_date,
          charged_off_amount, recovered_amount
     FROM loan_snapshots WHERE organization_id = $1 AND (hashtext(snapshot_date::text || loan_id::text) & 1023) < 150
      AND extract(day FROM snapshot_date) > 3`,
  // Some of those latest rows become "not observed": the earlier row is the month-end, dated earlier.
  `UPDATE loan_snapshots SET status = NULL, principal_balance = NULL
    WHERE organization_id = $1 AND (hashtext(snapshot_date::text || loan_id::text) & 1023) < 60 AND extract(day FROM snapshot_date) > 3`,
  // A month present only as "not observed".
  `UPDATE loan_snapshots SET status = NULL WHERE organization_id = $1 AND (hashtext(loan_id::text || 'x' || snapshot_date::text) & 1023) < 20`,
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
  loadDotEnv();
  const org = arg('org');
  if (!org) throw new Error('--org is required');
  const c = new Client({ connectionString: loadConfig().databaseUrl });
  await c.connect();
  const x = (sql: string, params?: unknown[]) => c.query(sql, params).then((r) => r.rows);
  const time = async (label: string, work: () => Promise<unknown>) => {
    const t = Date.now();
    await work();
    process.stderr.write(`${label}: ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  };
  try {
    await c.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
    await c.query('SET jit = off');
    await c.query('BEGIN');
    await c.query(`SET LOCAL app.snapshot_writer = 'on'`);
    if (process.argv.includes('--mess')) {
      for (const s of MESS) process.stderr.write(`mess: ${(await c.query(s, [org])).rowCount} rows\n`);
    }
    await c.query(`SET LOCAL work_mem = '256MB'`);
    await time('old build', async () => {
      for (const s of [...OLD_BUILD, firstDefaultsSql(), ...COUNT_ALL_SQL]) await c.query(s, [org]);
    });
    for (const t of TABLES) await c.query(`CREATE TEMP TABLE old_${t} AS SELECT * FROM ${t} WHERE organization_id = $1`, [org]);
    if (NEW_BUILD.join() === OLD_BUILD.join()) throw new Error('the new BUILD_SQL is the old one');
    await time('new build', () => buildMonthEnds(x, org));
    let bad = 0;
    for (const t of TABLES) {
      const [{ n, only_old, only_new }] = await x(
        `SELECT (SELECT count(*) FROM old_${t})::int AS n,
                (SELECT count(*) FROM (SELECT * FROM old_${t} EXCEPT ALL SELECT * FROM ${t} WHERE organization_id = $1) a)::int AS only_old,
                (SELECT count(*) FROM (SELECT * FROM ${t} WHERE organization_id = $1 EXCEPT ALL SELECT * FROM old_${t}) b)::int AS only_new`,
        [org],
      ) as { n: number; only_old: number; only_new: number }[];
      process.stdout.write(`${t}: ${n} rows, ${only_old} only in the old build, ${only_new} only in the new\n`);
      bad += only_old + only_new;
    }
    process.stdout.write(bad === 0 ? 'identical\n' : 'DIFFERENT\n');
    if (bad) process.exitCode = 1;
  } finally {
    await c.query('ROLLBACK');
    await c.end();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`check failed: ${err.message}\n`);
  process.exit(1);
});
