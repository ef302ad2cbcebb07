import type { Client } from 'pg';
import { todayUtc } from '../../src/common/time/today';
import { ACCRUAL_SQL } from '../../src/modules/savings/accrual.sql';
import type { SeedContext } from './context';

/**
 * Savings history, set-based. Runs on a session whose app.org_id is set, so inserts default to
 * that organization; the seed connects as the table owner (row-level security does not apply),
 * so every read filters by app_org() explicitly. Statement by statement, with ANALYZE after
 * each bulk insert, so later joins are planned on real table sizes.
 */
const SEED_STEPS = [
  `CREATE TEMP TABLE IF NOT EXISTS seed_savings_products (slot int, id bigint, term_months int);
  TRUNCATE seed_savings_products`,
  `WITH p AS (
    INSERT INTO savings_products (name, product_type, currency_code, minimum_deposit, maximum_deposit)
    VALUES ('One-Year Fixed Bond', 'fixed_term', 'GBP', 1000, 250000),
           ('Easy Access Saver', 'instant_access', 'GBP', 1, 1000000),
           ('95-Day Notice Account', 'notice', 'GBP', 500, 500000)
    RETURNING id, product_type
  ), v AS (
    INSERT INTO savings_product_versions (product_id, version, gross_rate, term_months, notice_days, day_count_basis, interest_paid_at)
    SELECT id, 1,
           CASE product_type WHEN 'fixed_term' THEN 0.045 WHEN 'instant_access' THEN 0.0375 ELSE 0.042 END,
           CASE WHEN product_type = 'fixed_term' THEN 12 END,
           CASE WHEN product_type = 'notice' THEN 95 END,
           CASE product_type WHEN 'fixed_term' THEN 'ACT/365F' WHEN 'instant_access' THEN 'ACT/ACT' ELSE 'ACT/360' END,
           CASE WHEN product_type = 'fixed_term' THEN 'maturity' ELSE 'monthly' END
      FROM p
    RETURNING product_id, term_months
  )
  INSERT INTO seed_savings_products
  SELECT CASE p.product_type WHEN 'fixed_term' THEN 0 WHEN 'instant_access' THEN 1 ELSE 2 END, p.id, v.term_months
    FROM p JOIN v ON v.product_id = p.id`,
  `INSERT INTO savings_clients (client_reference, client_type, name)
  SELECT (8000000 + g)::text,
         CASE WHEN g % 9 = 0 THEN 'company' ELSE 'individual' END,
         CASE WHEN g % 9 = 0 THEN 'Company ' || g || ' Ltd' ELSE 'Saver ' || g END
    FROM generate_series(1, :clients) g
  ON CONFLICT (organization_id, client_reference) DO NOTHING`,
  `ANALYZE savings_clients`,
  `INSERT INTO savings_portfolios (client_id, currency_code)
  SELECT c.id, 'GBP' FROM savings_clients c
   WHERE c.organization_id = app_org()
  ON CONFLICT (organization_id, client_id, currency_code) DO NOTHING`,
  `ANALYZE savings_portfolios`,
  `-- One account per portfolio (two for every fourth), opened over the last four months.
  INSERT INTO savings_accounts (portfolio_id, product_id, product_version, opened_at, opening_date, matures_at, maturity_date,
                                amount, accrued_until)
  SELECT pf.id, sp.id, 1, o.opened_at, od.opening_date,
         CASE WHEN sp.term_months IS NOT NULL
              THEN ((o.opened_at AT TIME ZONE 'UTC') + make_interval(months => sp.term_months)) AT TIME ZONE 'UTC' END,
         CASE WHEN sp.term_months IS NOT NULL THEN (od.opening_date + make_interval(months => sp.term_months))::date END,
         1000 + ((pf.id * 7919 + k * 104729) % 9000000) / 100.0,
         od.opening_date
    FROM savings_portfolios pf
    CROSS JOIN LATERAL generate_series(1, CASE WHEN pf.id % 4 = 0 THEN 2 ELSE 1 END) k
    JOIN seed_savings_products sp ON sp.slot = (pf.id + k) % 3
    CROSS JOIN LATERAL (SELECT (timezone('UTC', now())::date - (1 + (pf.id * 37 + k * 11) % 120)::int) AS opening_date) od
    CROSS JOIN LATERAL (SELECT (od.opening_date + time '09:00' + make_interval(mins => ((pf.id * 13) % 600)::int))
                                AT TIME ZONE 'UTC' AS opened_at) o
   WHERE pf.organization_id = app_org()
     AND NOT EXISTS (SELECT 1 FROM savings_accounts a WHERE a.organization_id = app_org() AND a.portfolio_id = pf.id)`,
  `ANALYZE savings_accounts`,
  `-- The settled deposits that opened them, and their dated movements.
  INSERT INTO savings_instructions (instruction_reference, request_fingerprint, kind, client_id, portfolio_id, currency_code, amount,
                                    product_id, product_version, account_id, status, date_added, date_to_be_actioned, processed_at, run_id)
  SELECT gen_random_uuid()::text, 'seed', 'deposit', pf.client_id, a.portfolio_id, 'GBP', a.amount, a.product_id, 1, a.id,
         'Processed', a.opened_at - interval '2 hours', a.opened_at - interval '2 hours', a.opened_at, 'seed'
    FROM savings_accounts a
    JOIN savings_portfolios pf ON pf.organization_id = a.organization_id AND pf.id = a.portfolio_id
   WHERE a.organization_id = app_org()
     AND NOT EXISTS (SELECT 1 FROM savings_movements m WHERE m.organization_id = app_org() AND m.account_id = a.id)`,
  `ANALYZE savings_instructions`,
  `INSERT INTO savings_movements (account_id, instruction_id, effective_date, amount)
  SELECT i.account_id, i.id, a.opening_date, i.amount
    FROM savings_instructions i
    JOIN savings_accounts a ON a.organization_id = i.organization_id AND a.id = i.account_id
   WHERE i.organization_id = app_org() AND i.run_id = 'seed'
     AND NOT EXISTS (SELECT 1 FROM savings_movements m WHERE m.organization_id = app_org() AND m.instruction_id = i.id)`,
  `ANALYZE savings_movements`,
  `-- A few instructions still pending: top-ups for one portfolio in twenty, withdrawals for another.
  INSERT INTO savings_instructions (instruction_reference, request_fingerprint, kind, client_id, portfolio_id, currency_code, amount,
                                    product_id, product_version, account_id, date_to_be_actioned)
  SELECT gen_random_uuid()::text, 'seed', CASE WHEN pf.id % 20 = 0 THEN 'deposit' ELSE 'withdrawal' END,
         pf.client_id, pf.id, 'GBP', CASE WHEN pf.id % 20 = 0 THEN 250 ELSE 100 END, a.product_id, a.product_version, a.id,
         now() + interval '1 day'
    FROM savings_portfolios pf
    JOIN LATERAL (SELECT * FROM savings_accounts a
                   WHERE a.organization_id = app_org() AND a.portfolio_id = pf.id AND a.maturity_date IS NULL
                   ORDER BY a.id LIMIT 1) a ON true
   WHERE pf.organization_id = app_org() AND pf.id % 20 IN (0, 10)
     AND NOT EXISTS (SELECT 1 FROM savings_instructions i WHERE i.organization_id = app_org() AND i.portfolio_id = pf.id AND i.status = 'Created')`,
  `ANALYZE savings_instructions`,
  `-- Each accepted and each settled instruction was a visible change.
  UPDATE savings_portfolios pf
     SET version = 1 + s.changes, updated_at = s.last_change, created_at = s.first_change
    FROM (SELECT portfolio_id, count(*) + count(processed_at) - 1 AS changes,
                 max(greatest(date_added, processed_at)) AS last_change, min(date_added) AS first_change
            FROM savings_instructions WHERE organization_id = app_org() GROUP BY portfolio_id) s
   WHERE pf.organization_id = app_org() AND pf.id = s.portfolio_id AND pf.version = 1`,
];

/** Seeds `clients` savings clients with history; with `accrue`, catches interest up to today as the daily run would. */
export async function seedSavings(
  client: Client,
  clients: number,
  opts: { accrue: boolean; log?: (msg: string) => void } = { accrue: true },
): Promise<void> {
  for (const step of SEED_STEPS) await client.query(step.replace(':clients', String(Math.floor(clients))));
  opts.log?.(`savings: ${clients} clients, portfolios, accounts and settled deposits`);
  if (opts.accrue) {
    const { rows } = await client.query<{ org: string }>(`SELECT app_org()::text AS org`);
    const today = todayUtc();
    const { rows: r } = await client.query(ACCRUAL_SQL, [rows[0].org, today, 'seed-accrual', null]);
    opts.log?.(`savings: interest accrued to ${today} on ${r[0].accounts} accounts, ${r[0].paid} paid`);
  }
}

/**
 * Seeds the savings part of the demo organization: `--savings-clients` clients, or one per ten
 * loans (at least 100). Each client has 1.25 accounts on average, so 800 000 clients are
 * 1 000 000 accounts.
 */
export async function seed(ctx: SeedContext): Promise<void> {
  await seedSavings(ctx.client, ctx.savingsClients ?? Math.max(100, Math.round(ctx.loans / 10)), { accrue: true, log: ctx.log });
}
