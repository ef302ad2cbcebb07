// Read model: the month-end sums (owned by analytics), read only; see month-end-sql.ts for how they are kept.
/**
 * §11 in SQL on numeric: the same definitions as loan-month.ts, pool-figures.ts and
 * transitions.ts, which the e2e tests hold these queries to. The per-loan figures are stored
 * (month-end-sql.ts); these read their sums.
 */

export const MONTH_INDEX = (d: string) => `(extract(year FROM ${d})::int * 12 + extract(month FROM ${d})::int - 1)`;

/** A quotient with at least 30 decimals (§11: ≥ 20 significant digits), null when the divisor is 0. */
export const div = (a: string, b: string) => `((${a})::numeric(60,30) / nullif(${b}, 0))`;
/** 1 − (1 − r)^12 from the unrounded monthly rate. */
export const annualisedSql = (r: string) => `(1 - power(1 - ${r}, 12))`;

/**
 * §11 pool figures per month in [$3, $4] (month indexes) of portfolio $2, from the month sums:
 * each Σ is the one the loan months would give (wala's Σ mob·B is Σ over cohorts of (M − cohort)·ΣB).
 */
export const performanceFromSumsSql = `
  SELECT mi, sum(n)::int AS loan_count, sum(balance) AS balance,
         ${div('sum(balance)', 'sum(original_principal)')} AS pool_factor,
         ${div('sum(rate_balance)', 'sum(balance)')} AS wac,
         ${div('sum((mi - cohort_month) * balance)', 'sum(balance)')} AS wala,
         ${div('sum(remaining_balance)', 'sum(balance)')} AS wam,
         ${div('sum(unscheduled)', 'sum(expected)')} AS smm, ${annualisedSql(div('sum(unscheduled)', 'sum(expected)'))} AS cpr,
         ${div('sum(defaulted)', 'sum(active_b0)')} AS mdr, ${annualisedSql(div('sum(defaulted)', 'sum(active_b0)'))} AS cdr,
         ${div('sum(dpd30)', 'sum(balance)')} AS dpd_30_plus_rate,
         ${div('sum(dpd60)', 'sum(balance)')} AS dpd_60_plus_rate,
         ${div('sum(dpd90)', 'sum(balance)')} AS dpd_90_plus_rate,
         ${div('sum(charged_off)', 'sum(original_principal)')} AS cumulative_gross_loss_rate,
         ${div('sum(charged_off) - sum(recovered)', 'sum(original_principal)')} AS cumulative_net_loss_rate,
         ${div('sum(charged_off) - sum(recovered)', 'sum(charged_off)')} AS severity
    FROM portfolio_month_sums
   WHERE organization_id = $1 AND portfolio_id = $2 AND mi BETWEEN $3 AND $4
   GROUP BY mi ORDER BY mi`;

/** Transition cells of portfolio $2 for M in [$3, $4], with their roll rates. */
export const transitionsFromSumsSql = `
  SELECT mi, from_state, to_state, n, balance, ${div('balance', 'sum(balance) OVER (PARTITION BY mi, from_state)')} AS roll_rate
    FROM portfolio_transition_sums
   WHERE organization_id = $1 AND portfolio_id = $2 AND mi BETWEEN $3 AND $4`;
