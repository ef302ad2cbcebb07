/**
 * Catch-up accrual for every open account of the organization, in one statement:
 * every day in [accrued_until, min(business date, maturity)) accrues at that day's balance
 * (read from the dated movements), rounded to 10 dp half-up. On each payment date the running
 * total is paid rounded down to the penny — paying floor(S) in total at the last payment date
 * equals paying floor(carried + accrued) at each date in turn (see accrual.ts). At maturity
 * the final payment rounds half-up and the account matures. accrued_until moves in the same
 * UPDATE, and the UPDATE re-checks it, so a retried or concurrent run never accrues a day twice.
 * Each touched portfolio's version goes up once, also when the settlement run catches up an
 * account it is about to close under its own run id (the settlement's touch then adds nothing).
 *
 * Parameters: $1 organization, $2 business date (days before it accrue), $3 run id,
 * $4 account ids (null: every open account).
 */
export const ACCRUAL_SQL = `
WITH acc AS (
  SELECT a.id, a.portfolio_id, a.opening_date, a.maturity_date, a.accrued_until, a.interest_accrued,
         v.gross_rate, v.interest_paid_at,
         v.day_count_basis AS basis,
         CASE WHEN a.maturity_date IS NOT NULL AND a.maturity_date <= $2::date THEN a.maturity_date ELSE $2::date END AS upto
    FROM savings_accounts a
    JOIN savings_product_versions v
      ON v.organization_id = a.organization_id AND v.product_id = a.product_id AND v.version = a.product_version
   WHERE a.organization_id = $1 AND a.status = 'open'
     AND (a.accrued_until < $2::date OR a.maturity_date <= $2::date)
     AND ($4::bigint[] IS NULL OR a.id = ANY ($4::bigint[]))
),
-- A day's balance is the opening balance plus the running sum of that account's dated
-- movements: one hash join and a window, not a look-up per day.
moves AS (
  SELECT mv.account_id AS id, mv.effective_date AS day, sum(mv.amount) AS delta
    FROM savings_movements mv
   WHERE mv.organization_id = $1 AND mv.account_id IN (SELECT id FROM acc)
   GROUP BY 1, 2
),
opening AS (
  SELECT acc.id, coalesce(sum(m.delta) FILTER (WHERE m.day < acc.accrued_until), 0) AS balance
    FROM acc LEFT JOIN moves m ON m.id = acc.id
   GROUP BY acc.id
),
balances AS (
  SELECT acc.id, g.day, acc.gross_rate, acc.basis, acc.opening_date, acc.maturity_date, acc.interest_paid_at,
         o.balance + coalesce(sum(m.delta) OVER (PARTITION BY acc.id ORDER BY g.day), 0) AS balance
    FROM acc
    JOIN opening o ON o.id = acc.id
    CROSS JOIN LATERAL (SELECT d::date AS day FROM generate_series(acc.accrued_until, acc.upto - 1, interval '1 day') d) g
    LEFT JOIN moves m ON m.id = acc.id AND m.day = g.day
),
days AS (
  SELECT id, day,
         -- ACT/ACT divides each day by the length of its own calendar year (365 or 366).
         round(balance * gross_rate / CASE basis WHEN 'ACT/360' THEN 360
                                                 WHEN 'ACT/ACT' THEN (date_trunc('year', day) + interval '1 year')::date - date_trunc('year', day)::date
                                                 ELSE 365 END, 10) AS amt,
         (maturity_date IS NULL OR day + 1 < maturity_date)
           AND savings_is_payment_date(opening_date, day + 1, interest_paid_at) AS pay_after
    FROM balances
),
running AS (
  SELECT id, amt, pay_after, sum(amt) OVER (PARTITION BY id ORDER BY day) AS cum FROM days
),
per_account AS (
  SELECT acc.id, acc.accrued_until, acc.upto,
         acc.maturity_date IS NOT NULL AND acc.upto = acc.maturity_date AS maturing,
         acc.interest_accrued + coalesce(sum(r.amt), 0) AS accrued_total,
         acc.interest_accrued + coalesce(max(r.cum) FILTER (WHERE r.pay_after), 0) AS at_last_payment,
         coalesce(bool_or(r.pay_after), false) AS has_payment
    FROM acc LEFT JOIN running r ON r.id = acc.id
   GROUP BY acc.id, acc.accrued_until, acc.upto, acc.maturity_date, acc.interest_accrued
),
settled AS (
  SELECT id, accrued_until, upto, maturing, accrued_total,
         CASE WHEN maturing THEN round(accrued_total, 2)
              WHEN has_payment THEN trunc(at_last_payment, 2)
              ELSE 0 END AS paid
    FROM per_account
),
upd AS (
  UPDATE savings_accounts a
     SET interest_accrued = CASE WHEN s.maturing THEN 0 ELSE s.accrued_total - s.paid END,
         interest_paid = a.interest_paid + s.paid,
         accrued_until = s.upto,
         status = CASE WHEN NOT s.maturing THEN a.status WHEN a.amount = 0 THEN 'closed' ELSE 'matured' END,
         updated_at = clock_timestamp()
    FROM settled s
   WHERE a.organization_id = $1 AND a.id = s.id AND a.accrued_until = s.accrued_until AND a.status = 'open'
  RETURNING a.portfolio_id, s.paid, s.maturing
),
bump AS (
  UPDATE savings_portfolios p
     SET version = version + CASE WHEN last_run_id IS NOT DISTINCT FROM $3 THEN 0 ELSE 1 END,
         updated_at = clock_timestamp(), last_run_id = $3
   WHERE p.organization_id = $1 AND p.id IN (SELECT portfolio_id FROM upd)
  RETURNING p.id
)
SELECT (SELECT count(*) FROM upd)::int AS accounts,
       (SELECT count(*) FROM upd WHERE maturing)::int AS matured,
       (SELECT coalesce(sum(paid), 0) FROM upd)::text AS paid,
       (SELECT count(*) FROM bump)::int AS portfolios`;
