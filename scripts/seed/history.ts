import type { PoolClient } from 'pg';
import { groupedInsertSql } from '../../src/database/grouped-insert';
import { Sql } from '../../src/database/sql';
import { afterHistoryImport, managerExec } from '../../src/modules/analytics/month-ends';
import { stageTableSql } from '../../src/modules/loans/import/csv-import';
import { HISTORY_IMPORT } from '../../src/modules/snapshots/history/history-columns';
import { writeImported } from '../../src/modules/snapshots/history/history-versions';
import { RECOMPUTE_DATES } from '../../src/modules/snapshots/snapshot-sql';
import type { SeedContext } from './context';
import { byProgramSql, curtailmentSql, PROGRAM_BEHAVIOUR } from './loans';

const MONTHS = 24;
const STAGE = 'history_seed_stage';
const monthIndexSql = (col: string) => `(date_part('year', ${col}) * 12 + date_part('month', ${col}))::int`;
const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));

/**
 * Each loan's story, worked out once (a temporary table, so not WAL-logged): what every
 * month-end statement needs and would otherwise recompute. `payoff_mob` places a paid-off
 * loan's payoff in a month of its own, stable across the statements (random() would not be).
 */
const STORY_SQL = `
  CREATE TEMP TABLE history_story ON COMMIT DROP AS
  SELECT id, loan_number, original_principal, principal_balance AS balance_now, interest_rate, term_months,
         origination_date, status AS status_now, days_past_due AS dpd_now, orig_month, mob_now,
         charged_off_amount AS charged_off_now, recovered_amount AS recovered_now,
         ${curtailmentSql('loan_number', byProgramSql('program_id', PROGRAM_BEHAVIOUR.prepay))} AS curtail,
         interest_rate::float8 / 12 AS r,
         least(term_months, floor(mob_now * (0.4 + 0.6 * (hashtext(id::text) & 1023) / 1024.0)))::int AS payoff_mob
    FROM (SELECT *, ${monthIndexSql('origination_date')} AS orig_month,
                 ${monthIndexSql('current_date')} - ${monthIndexSql('origination_date')} AS mob_now
            FROM loans WHERE organization_id = $1) l
   ORDER BY id`;

/**
 * One month-end's rows of the stage, told backwards from each loan's current state: no row before
 * origination; balances follow the loan's annuity schedule (never below today's balance);
 * today's delinquency built up 30 days a month (a loan 95 dpd now was 65 a month ago), so
 * defaulted and charged-off loans pass through the buckets and change status at 90 and 180 dpd;
 * paid-off loans amortise until their payoff month, then stay paid off; about 3 % of performing
 * loans show a brief 1-29 dpd slip; performing balances run ahead of schedule by the loan's
 * curtailment each month; a charged-off loan has a zero balance, its charge-off, and recoveries
 * growing with the time since (today's in full). Float power() only shapes synthetic data. Each level ends
 * in OFFSET 0 so the planner does not inline it and re-evaluate a derived column at every use.
 */
const MONTH_END_SQL = `
  INSERT INTO ${STAGE} (line, loan_number, snapshot_date, principal_balance, days_past_due, status, interest_rate, term_months,
                        original_principal, next_payment_date, charged_off_amount, recovered_amount)
  SELECT 0, loan_number, $1::date,
         CASE WHEN status IN ('paid_off', 'charged_off') THEN 0
              ELSE least(original_principal, greatest(balance_now, round((original_principal * CASE WHEN r = 0 THEN 1 - paid::float8 / term_months
                     ELSE (power(1 + r, term_months) - power(1 + r, paid)) / (power(1 + r, term_months) - 1) END
                     * CASE WHEN dpd = 0 THEN 1 - curtail * least(mob, term_months) ELSE 1 END)::numeric, 2))) END,
         dpd, status, interest_rate, term_months, original_principal,
         CASE WHEN status IN ('active', 'defaulted') THEN (origination_date + make_interval(months => paid + 1))::date END,
         CASE WHEN status = 'charged_off' THEN charged_off_now ELSE 0 END,
         CASE WHEN status = 'charged_off' THEN round(recovered_now * (dpd - 150) / greatest(dpd_now - 150, 30), 2) ELSE 0 END
    FROM (
      SELECT *, greatest(least(mob, term_months - 1) - dpd / 30, 0) AS paid
        FROM (
          SELECT *,
                 CASE WHEN status_now = 'paid_off' THEN CASE WHEN mob >= payoff_mob THEN 'paid_off' ELSE 'active' END
                      WHEN status_now = 'charged_off' AND dpd >= 180 THEN 'charged_off'
                      WHEN status_now IN ('charged_off', 'defaulted') AND dpd >= 90 THEN 'defaulted'
                      ELSE 'active' END AS status
            FROM (
              SELECT *,
                     CASE WHEN status_now = 'paid_off' THEN 0
                          WHEN dpd_now - 30 * (mob_now - mob) > 0 THEN dpd_now - 30 * (mob_now - mob)
                          WHEN mob > 0 AND (hashtext(id::text || $2::text) & 1023) < 30 THEN 1 + (hashtext($2::text || id::text) & 15)
                          ELSE 0 END AS dpd
                FROM (SELECT *, $2::int - orig_month AS mob FROM history_story WHERE origination_date <= $1::date OFFSET 0) s
              OFFSET 0) delinquency
          OFFSET 0) state
      OFFSET 0) schedule`;

/**
 * Month-end history for the last 24 months, written as a history import writes a file: the
 * rows staged in a table of the import's shape (one statement per month, in loan order), then
 * the import's own writer and month-end upkeep, and the portfolio snapshots its job recomputes,
 * all in one transaction.
 */
export async function seed(ctx: SeedContext): Promise<void> {
  const c = ctx.client;
  const m = new Sql(c as unknown as PoolClient);
  const { rows } = await c.query<{ d: string }>(
    `SELECT (date_trunc('month', current_date) - make_interval(months => k) - interval '1 day')::date::text AS d
       FROM generate_series(0, $1 - 1) k ORDER BY 1`,
    [MONTHS],
  );
  const dates = rows.map((r) => r.d);
  await c.query(`SELECT ensure_loan_snapshot_partitions($1, $2)`, [dates[0], dates[dates.length - 1]]);
  // Synthetic bulk data: JIT compiles these expressions for longer than they take to run.
  await c.query(`SET jit = off`);
  await c.query('BEGIN');
  const step = timer(ctx);
  try {
    // As much memory as the import's transaction takes.
    await c.query(`SET LOCAL work_mem = '128MB'`);
    await c.query(STORY_SQL, [ctx.org]);
    await c.query('ANALYZE history_story');
    await c.query(stageTableSql(HISTORY_IMPORT, STAGE));
    let total = 0;
    for (const d of dates) total += (await c.query(MONTH_END_SQL, [d, monthIndex(d)])).rowCount ?? 0;
    await c.query(`ANALYZE ${STAGE}`);
    step(`history: ${total} month-end loan snapshots staged over ${dates.length} months`);
    const imported = await writeImported(m, ctx.org, STAGE, dates);
    step(`history: ${imported} written as an import writes them`);
    // What the month-end upkeep and the recompute read, as a day's autovacuum would have it (the owner may, mid-transaction).
    await c.query('ANALYZE loan_snapshots, portfolios');
    step('history: analyzed');
    await afterHistoryImport(managerExec(m), ctx.org, STAGE);
    step('history: month-end aggregates built');
    const ps = await m.exec(groupedInsertSql(RECOMPUTE_DATES), [ctx.org, dates]);
    step(`history: ${ps} month-end portfolio snapshots`);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK');
    throw err;
  } finally {
    await c.query(`RESET jit`);
  }
  await c.query('ANALYZE loan_month_ends, analytics_loans, portfolio_month_sums, portfolio_transition_sums');
  step('history: analyzed');
}

/** Logs each step with the seconds it took. */
function timer(ctx: SeedContext): (msg: string) => void {
  let t = Date.now();
  return (msg) => {
    ctx.log(`${msg} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    t = Date.now();
  };
}
