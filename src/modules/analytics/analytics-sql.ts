// Read model: reads loan_snapshots (owned by snapshots) with the members query it is given
// (loans, owned by loans); the §11 figures aggregate them in one statement, in SQL on numeric.
import { bucketSql, inDefaultSql } from '../loans/loan-states';
import { scheduledPrincipalSql } from './scheduled-principal-sql';

/**
 * §11 in SQL on numeric: the same definitions as loan-month.ts, pool-figures.ts and
 * transitions.ts, which the e2e tests hold these queries to.
 *
 * Parameters: $1 organization, $2 first day of the first month read, $3 first day after the
 * last month read. `members` is a query of (id, origination_date, …) over the loans that count.
 */

export const MONTH_INDEX = (d: string) => `(extract(year FROM ${d})::int * 12 + extract(month FROM ${d})::int - 1)`;

/** A quotient with at least 30 decimals (§11: ≥ 20 significant digits), null when the divisor is 0. */
export const div = (a: string, b: string) => `((${a})::numeric(60,30) / nullif(${b}, 0))`;
/** 1 − (1 − r)^12 from the unrounded monthly rate. */
export const annualisedSql = (r: string) => `(1 - power(1 - ${r}, 12))`;

/**
 * `obs`: each member loan's month-end observation (its last snapshot of each calendar month)
 * in the window; `lm`: with its M−1 observation, active-at-start, S, newly defaulted and U.
 * Extra member columns (e.g. a cohort label) are carried through as `c.*` fields named in `carry`.
 */
export function loanMonthsCte(members: string, carry: string[] = []): string {
  const carried = carry.map((c) => `c.${c}, `).join('');
  const carriedLm = carry.map((c) => `o.${c}, `).join('');
  const mob = (a: string) => `(${a}.mi - ${MONTH_INDEX(`${a}.origination_date`)})`;
  const active = `(p.loan_id IS NOT NULL AND p.b > 0 AND NOT ${inDefaultSql('p')} AND p.status <> 'paid_off')`;
  const s = scheduledPrincipalSql('p.b', 'p.interest_rate', `greatest(p.term_months - ${mob('p')}, 0)`);
  return `members AS MATERIALIZED (${members}),
  obs AS MATERIALIZED (
    SELECT DISTINCT ON (s.loan_id, date_trunc('month', s.snapshot_date))
           s.loan_id, ${carried}c.origination_date, ${MONTH_INDEX('s.snapshot_date')} AS mi,
           s.original_principal, s.principal_balance AS b, s.interest_rate, s.term_months, s.days_past_due, s.status,
           s.charged_off_amount, s.recovered_amount
      FROM members c
      JOIN loan_snapshots s ON s.organization_id = $1 AND s.loan_id = c.id
     WHERE s.snapshot_date >= $2::date AND s.snapshot_date < $3::date
     ORDER BY s.loan_id, date_trunc('month', s.snapshot_date), s.snapshot_date DESC
  ),
  lm0 AS (
    SELECT o.loan_id, ${carriedLm}o.mi, o.original_principal, o.b, o.interest_rate, o.term_months, o.days_past_due, o.status,
           o.charged_off_amount, o.recovered_amount, ${mob('o')} AS mob, greatest(o.term_months - ${mob('o')}, 0) AS remaining,
           ${inDefaultSql('o')} AS in_default, ${active} AS active, p.b AS b0,
           CASE WHEN ${active} THEN ${s} END AS s
      FROM obs o LEFT JOIN obs p ON p.loan_id = o.loan_id AND p.mi = o.mi - 1
  ),
  lm AS (
    SELECT *, active AND in_default AS newly,
           CASE WHEN active AND NOT in_default THEN greatest(b0 - s - b, 0) END AS u
      FROM lm0
  )`;
}

/** Σ of what SMM and MDR need, and the four rates, over the group's loan months in `lm`. */
export const RATE_SELECT = (() => {
  const su = `coalesce(sum(u), 0)`;
  const se = `sum(b0 - s) FILTER (WHERE u IS NOT NULL)`;
  const sd = `coalesce(sum(b0) FILTER (WHERE newly), 0)`;
  const sa = `sum(b0) FILTER (WHERE active)`;
  return `${div(su, se)} AS smm, ${annualisedSql(div(su, se))} AS cpr,
    ${div(sd, sa)} AS mdr, ${annualisedSql(div(sd, sa))} AS cdr`;
})();

/** One row per month with a non-empty pool in [$4, $5] (month indexes). */
export const performanceSql = (members: string) => `
  WITH ${loanMonthsCte(members)}
  SELECT mi, count(*)::int AS loan_count, sum(b) AS balance,
         ${div('sum(b)', 'sum(original_principal)')} AS pool_factor,
         ${div('sum(interest_rate * b)', 'sum(b)')} AS wac,
         ${div('sum(mob * b)', 'sum(b)')} AS wala,
         ${div('sum(remaining * b)', 'sum(b)')} AS wam,
         ${RATE_SELECT},
         ${div('coalesce(sum(b) FILTER (WHERE days_past_due >= 30), 0)', 'sum(b)')} AS dpd_30_plus_rate,
         ${div('coalesce(sum(b) FILTER (WHERE days_past_due >= 60), 0)', 'sum(b)')} AS dpd_60_plus_rate,
         ${div('coalesce(sum(b) FILTER (WHERE days_past_due >= 90), 0)', 'sum(b)')} AS dpd_90_plus_rate,
         ${div('sum(charged_off_amount)', 'sum(original_principal)')} AS cumulative_gross_loss_rate,
         ${div('sum(charged_off_amount - recovered_amount)', 'sum(original_principal)')} AS cumulative_net_loss_rate,
         ${div('sum(charged_off_amount - recovered_amount)', 'sum(charged_off_amount)')} AS severity
    FROM lm WHERE mi BETWEEN $4 AND $5
   GROUP BY mi ORDER BY mi`;

/** §11 transition state of an observation aliased `a` (120+ days is in default, so never its bucket). */
const stateSql = (a: string) =>
  `CASE WHEN ${a}.status = 'paid_off' THEN 'paid_off' WHEN ${inDefaultSql(a)} THEN 'default' ELSE ${bucketSql(`${a}.days_past_due`)} END`;

/** Cells of the M−1 → M matrices for M in [$4, $5]: counts, M−1 balances and roll rates. */
export const transitionsSql = (members: string) => `
  WITH ${loanMonthsCte(members)},
  cells AS (
    SELECT o.mi, ${stateSql('p')} AS from_state, ${stateSql('o')} AS to_state, count(*)::int AS n, sum(p.b) AS balance
      FROM obs o JOIN obs p ON p.loan_id = o.loan_id AND p.mi = o.mi - 1
     WHERE o.mi BETWEEN $4 AND $5
     GROUP BY 1, 2, 3
  )
  SELECT mi, from_state, to_state, n, balance, ${div('balance', 'sum(balance) OVER (PARTITION BY mi, from_state)')} AS roll_rate
    FROM cells`;
