import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * Savings side (Flagstone-style). Ids are identity bigints so the API can show them as the
 * numeric strings partners expect. Balances move only through `savings_movements` (dated),
 * so the accrual run can catch up missed days at the balance each day really had.
 * `accrued_until` (first day not yet accrued) is updated in the same statement as the
 * accrued interest, which is what keeps a retried run from accruing a day twice.
 * `last_run_id` on a portfolio lets a run bump its version once however many items it touched.
 */
export class Savings1763700000005 implements MigrationInterface {
  name = 'Savings1763700000005';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE savings_clients (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         ${ORG_COLUMN},
         client_reference text NOT NULL,
         client_type text NOT NULL CHECK (client_type IN ('individual', 'company')),
         name text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (organization_id, id),
         UNIQUE (organization_id, client_reference)
       )`,
      ...tenantTable('savings_clients'),

      `CREATE TABLE savings_products (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         ${ORG_COLUMN},
         name text NOT NULL,
         product_type text NOT NULL CHECK (product_type IN ('fixed_term', 'instant_access', 'notice')),
         currency_code char(3) NOT NULL,
         current_version integer NOT NULL DEFAULT 1,
         minimum_deposit numeric(20,2),
         maximum_deposit numeric(20,2),
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (organization_id, id),
         CHECK (minimum_deposit IS NULL OR maximum_deposit IS NULL OR minimum_deposit <= maximum_deposit)
       )`,
      ...tenantTable('savings_products'),

      // The terms an account is opened on; a change of terms is a new row, never an update.
      `CREATE TABLE savings_product_versions (
         ${ORG_COLUMN},
         product_id bigint NOT NULL,
         version integer NOT NULL,
         gross_rate numeric NOT NULL CHECK (gross_rate >= 0 AND gross_rate < 1),
         term_months integer CHECK (term_months > 0),
         notice_days integer CHECK (notice_days >= 0),
         day_count_basis text NOT NULL CHECK (day_count_basis IN ('ACT/365F', 'ACT/360')),
         interest_paid_at text NOT NULL CHECK (interest_paid_at IN ('maturity', 'monthly', 'annually')),
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (organization_id, product_id, version),
         FOREIGN KEY (organization_id, product_id) REFERENCES savings_products (organization_id, id)
       )`,
      ...tenantTable('savings_product_versions'),

      `CREATE TABLE savings_portfolios (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         ${ORG_COLUMN},
         client_id bigint NOT NULL,
         currency_code char(3) NOT NULL,
         version integer NOT NULL DEFAULT 1,
         last_run_id text,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (organization_id, id),
         UNIQUE (organization_id, client_id, currency_code),
         FOREIGN KEY (organization_id, client_id) REFERENCES savings_clients (organization_id, id)
       )`,
      `CREATE INDEX savings_portfolios_recent ON savings_portfolios (organization_id, updated_at DESC, id DESC)`,
      ...tenantTable('savings_portfolios'),

      `CREATE TABLE savings_accounts (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         ${ORG_COLUMN},
         portfolio_id bigint NOT NULL,
         product_id bigint NOT NULL,
         product_version integer NOT NULL,
         status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'matured', 'closed')),
         opened_at timestamptz NOT NULL,
         opening_date date NOT NULL,
         matures_at timestamptz,
         maturity_date date,
         amount numeric(20,2) NOT NULL DEFAULT 0 CHECK (amount >= 0),
         interest_accrued numeric(30,10) NOT NULL DEFAULT 0,
         interest_paid numeric(20,2) NOT NULL DEFAULT 0,
         accrued_until date NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (organization_id, id),
         FOREIGN KEY (organization_id, portfolio_id) REFERENCES savings_portfolios (organization_id, id),
         FOREIGN KEY (organization_id, product_id, product_version)
           REFERENCES savings_product_versions (organization_id, product_id, version)
       ) WITH (fillfactor = 80)`,
      // The daily accrual rewrites every open account; with room on the page and no index on the
      // columns it changes (accrued_until, interest), those are heap-only updates.
      `CREATE INDEX savings_accounts_portfolio ON savings_accounts (organization_id, portfolio_id, id)`,
      ...tenantTable('savings_accounts'),

      `CREATE TABLE savings_instructions (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         ${ORG_COLUMN},
         instruction_reference text NOT NULL,
         pending_batch_item_id uuid NOT NULL DEFAULT gen_random_uuid(),
         request_fingerprint text NOT NULL,
         kind text NOT NULL CHECK (kind IN ('deposit', 'withdrawal')),
         client_id bigint NOT NULL,
         portfolio_id bigint NOT NULL,
         currency_code char(3) NOT NULL,
         amount numeric(20,2) NOT NULL CHECK (amount > 0),
         product_id bigint NOT NULL,
         product_version integer NOT NULL,
         account_id bigint,
         status text NOT NULL DEFAULT 'Created' CHECK (status IN ('Created', 'Processed', 'Rejected')),
         reason text,
         date_added timestamptz NOT NULL DEFAULT now(),
         date_to_be_actioned timestamptz NOT NULL,
         processed_at timestamptz,
         run_id text,
         UNIQUE (organization_id, id),
         UNIQUE (organization_id, instruction_reference),
         FOREIGN KEY (organization_id, client_id) REFERENCES savings_clients (organization_id, id),
         FOREIGN KEY (organization_id, portfolio_id) REFERENCES savings_portfolios (organization_id, id),
         FOREIGN KEY (organization_id, account_id) REFERENCES savings_accounts (organization_id, id),
         FOREIGN KEY (organization_id, product_id, product_version)
           REFERENCES savings_product_versions (organization_id, product_id, version)
       )`,
      `CREATE INDEX savings_instructions_due ON savings_instructions (organization_id, date_to_be_actioned, id) WHERE status = 'Created'`,
      `CREATE INDEX savings_instructions_pending ON savings_instructions (organization_id, portfolio_id, id) WHERE status = 'Created'`,
      `CREATE INDEX savings_instructions_client ON savings_instructions (organization_id, client_id, id)`,
      ...tenantTable('savings_instructions'),

      // Every change of a balance, dated; the accrual run reads a day's balance from here.
      `CREATE TABLE savings_movements (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         ${ORG_COLUMN},
         account_id bigint NOT NULL,
         instruction_id bigint,
         effective_date date NOT NULL,
         amount numeric(20,2) NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         FOREIGN KEY (organization_id, account_id) REFERENCES savings_accounts (organization_id, id),
         FOREIGN KEY (organization_id, instruction_id) REFERENCES savings_instructions (organization_id, id)
       )`,
      `CREATE UNIQUE INDEX savings_movements_instruction ON savings_movements (organization_id, instruction_id)`,
      `CREATE INDEX savings_movements_account ON savings_movements (organization_id, account_id, effective_date) INCLUDE (amount)`,
      ...tenantTable('savings_movements'),

      // One visible change per run: the first touch of a portfolio by a run bumps its version,
      // later touches by the same run (or by its retry, which keeps the run id) only move the time.
      `CREATE FUNCTION savings_touch_portfolio(p_portfolio bigint, p_run text) RETURNS void
         LANGUAGE sql AS $$
           UPDATE savings_portfolios
              SET version = version + CASE WHEN last_run_id IS NOT DISTINCT FROM p_run AND p_run IS NOT NULL THEN 0 ELSE 1 END,
                  last_run_id = p_run,
                  updated_at = clock_timestamp()
            WHERE id = p_portfolio
         $$`,

      // Monthly: each month on the opening day-of-month (clamped to shorter months, as date
      // arithmetic does); annually: each anniversary. Maturity itself is the final payment.
      `CREATE FUNCTION savings_is_payment_date(p_opening date, p_day date, p_freq text) RETURNS boolean
         LANGUAGE sql IMMUTABLE AS $$
           SELECT CASE p_freq
             WHEN 'monthly' THEN p_day > p_opening AND (p_opening + make_interval(months =>
                   ((extract(year FROM p_day) - extract(year FROM p_opening)) * 12
                    + extract(month FROM p_day) - extract(month FROM p_opening))::int))::date = p_day
             WHEN 'annually' THEN p_day > p_opening AND (p_opening + make_interval(years =>
                   (extract(year FROM p_day) - extract(year FROM p_opening))::int))::date = p_day
             ELSE false END
         $$`,

      // Settles one instruction in the caller's transaction. Returns its final status.
      `CREATE FUNCTION savings_settle_instruction(p_id bigint, p_run text) RETURNS text
         LANGUAGE plpgsql AS $$
         DECLARE
           i savings_instructions%ROWTYPE;
           a savings_accounts%ROWTYPE;
           v savings_product_versions%ROWTYPE;
           t timestamptz := clock_timestamp();
           d date := (clock_timestamp() AT TIME ZONE 'UTC')::date;
           reject text;
         BEGIN
           SELECT * INTO i FROM savings_instructions WHERE id = p_id FOR UPDATE;
           IF NOT FOUND OR i.status <> 'Created' THEN RETURN coalesce(i.status, 'missing'); END IF;

           IF i.kind = 'deposit' AND i.account_id IS NULL THEN
             SELECT * INTO v FROM savings_product_versions
              WHERE product_id = i.product_id AND version = i.product_version;
             INSERT INTO savings_accounts (organization_id, portfolio_id, product_id, product_version, opened_at,
                                           opening_date, matures_at, maturity_date, amount, accrued_until)
             VALUES (i.organization_id, i.portfolio_id, i.product_id, i.product_version, t, d,
                     CASE WHEN v.term_months IS NOT NULL
                          THEN ((t AT TIME ZONE 'UTC') + make_interval(months => v.term_months)) AT TIME ZONE 'UTC' END,
                     CASE WHEN v.term_months IS NOT NULL THEN (d + make_interval(months => v.term_months))::date END,
                     i.amount, d)
             RETURNING * INTO a;
             UPDATE savings_instructions SET account_id = a.id WHERE id = i.id;
             INSERT INTO savings_movements (organization_id, account_id, instruction_id, effective_date, amount)
             VALUES (i.organization_id, a.id, i.id, d, i.amount);
           ELSE
             SELECT * INTO a FROM savings_accounts WHERE id = i.account_id FOR UPDATE;
             SELECT * INTO v FROM savings_product_versions
              WHERE product_id = a.product_id AND version = a.product_version;
             IF a.status = 'closed' THEN
               reject := 'The deposit account is closed';
             ELSIF i.kind = 'deposit' AND a.status <> 'open' THEN
               reject := 'The deposit account has matured and takes no further deposits';
             ELSIF i.kind = 'withdrawal' AND a.status = 'open' AND a.matures_at IS NOT NULL AND t < a.matures_at THEN
               reject := 'A fixed-term account cannot be withdrawn from before it matures';
             ELSIF i.kind = 'withdrawal' AND i.amount > a.amount THEN
               reject := format('Insufficient funds: the withdrawal of %s exceeds the available balance of %s', i.amount, a.amount);
             END IF;
             IF reject IS NOT NULL THEN
               UPDATE savings_instructions SET status = 'Rejected', reason = reject, processed_at = t, run_id = p_run
                WHERE id = i.id;
               PERFORM savings_touch_portfolio(i.portfolio_id, p_run);
               RETURN 'Rejected';
             END IF;
             UPDATE savings_accounts
                SET amount = amount + CASE WHEN i.kind = 'deposit' THEN i.amount ELSE -i.amount END,
                    status = CASE WHEN i.kind = 'withdrawal' AND status = 'matured' AND amount = i.amount
                                  THEN 'closed' ELSE status END,
                    updated_at = t
              WHERE id = a.id;
             INSERT INTO savings_movements (organization_id, account_id, instruction_id, effective_date, amount)
             VALUES (i.organization_id, a.id, i.id, d, CASE WHEN i.kind = 'deposit' THEN i.amount ELSE -i.amount END);
           END IF;

           UPDATE savings_instructions SET status = 'Processed', processed_at = t, run_id = p_run WHERE id = i.id;
           PERFORM savings_touch_portfolio(i.portfolio_id, p_run);
           RETURN 'Processed';
         END $$`,
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS savings_settle_instruction(bigint, text)');
    await q.query('DROP FUNCTION IF EXISTS savings_is_payment_date(date, date, text)');
    await q.query('DROP FUNCTION IF EXISTS savings_touch_portfolio(bigint, text)');
    for (const t of [
      'savings_movements',
      'savings_instructions',
      'savings_accounts',
      'savings_portfolios',
      'savings_product_versions',
      'savings_products',
      'savings_clients',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
