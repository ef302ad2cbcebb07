import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * Loans and portfolios. `delinquency_bucket` and `in_default` are derived in the database so
 * every reader (API, snapshots, tapes) agrees. Portfolio `loan_count` and `total_outstanding`
 * are kept live by statement-level triggers that aggregate each statement's changed rows,
 * so a million-row import or a set-based assign costs one grouped update, not a loop.
 */
export class LoansPortfolios1763700000001 implements MigrationInterface {
  name = 'LoansPortfolios1763700000001';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE portfolios (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         name text NOT NULL,
         description text,
         portfolio_type text NOT NULL CHECK (portfolio_type IN ('static', 'dynamic')),
         criteria jsonb,
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived', 'sold')),
         investor_id uuid,
         sold_at date,
         sale_price numeric(20,2),
         loan_count integer NOT NULL DEFAULT 0,
         total_outstanding numeric(20,2) NOT NULL DEFAULT 0,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         archived_at timestamptz,
         version integer NOT NULL DEFAULT 1,
         UNIQUE (organization_id, id)
       )`,
      `CREATE UNIQUE INDEX portfolios_name_live ON portfolios (organization_id, name) WHERE status <> 'archived'`,
      `CREATE INDEX portfolios_org_created ON portfolios (organization_id, created_at DESC, id)`,
      ...tenantTable('portfolios'),
      `CREATE TABLE loans (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         loan_number text NOT NULL,
         borrower_name text NOT NULL,
         program_id uuid NOT NULL,
         currency char(3) NOT NULL DEFAULT 'USD',
         origination_date date NOT NULL,
         maturity_date date,
         original_principal numeric(18,2) NOT NULL CHECK (original_principal > 0),
         principal_balance numeric(18,2) NOT NULL CHECK (principal_balance >= 0),
         interest_rate numeric NOT NULL CHECK (interest_rate >= 0 AND interest_rate < 1),
         term_months integer NOT NULL CHECK (term_months > 0),
         days_past_due integer NOT NULL DEFAULT 0 CHECK (days_past_due >= 0),
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'defaulted', 'charged_off', 'paid_off')),
         next_payment_date date,
         portfolio_id uuid,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         version integer NOT NULL DEFAULT 1,
         delinquency_bucket text GENERATED ALWAYS AS (
           CASE WHEN days_past_due = 0 THEN 'current'
                WHEN days_past_due < 30 THEN 'dpd_1_29'
                WHEN days_past_due < 60 THEN 'dpd_30_59'
                WHEN days_past_due < 90 THEN 'dpd_60_89'
                WHEN days_past_due < 120 THEN 'dpd_90_119'
                ELSE 'dpd_120_plus' END) STORED,
         in_default boolean GENERATED ALWAYS AS (
           status IN ('defaulted', 'charged_off') OR days_past_due >= 120) STORED,
         CONSTRAINT loans_paid_off_clean CHECK (status <> 'paid_off' OR (principal_balance = 0 AND days_past_due = 0)),
         CONSTRAINT loans_number_unique UNIQUE (organization_id, loan_number),
         -- Composite key: a loan can only ever point at a portfolio of its own organization.
         CONSTRAINT loans_portfolio_fk FOREIGN KEY (organization_id, portfolio_id)
           REFERENCES portfolios (organization_id, id)
       )`,
      `CREATE INDEX loans_org_portfolio ON loans (organization_id, portfolio_id) INCLUDE (principal_balance)`,
      `CREATE INDEX loans_org_program_orig ON loans (organization_id, program_id, origination_date)`,
      ...tenantTable('loans'),
      `CREATE FUNCTION portfolio_totals_apply() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           UPDATE portfolios p SET loan_count = p.loan_count + d.n, total_outstanding = p.total_outstanding + d.bal
             FROM (SELECT portfolio_id, count(*) AS n, sum(principal_balance) AS bal
                     FROM new_rows WHERE portfolio_id IS NOT NULL GROUP BY portfolio_id) d
            WHERE p.id = d.portfolio_id;
         ELSIF TG_OP = 'DELETE' THEN
           UPDATE portfolios p SET loan_count = p.loan_count - d.n, total_outstanding = p.total_outstanding - d.bal
             FROM (SELECT portfolio_id, count(*) AS n, sum(principal_balance) AS bal
                     FROM old_rows WHERE portfolio_id IS NOT NULL GROUP BY portfolio_id) d
            WHERE p.id = d.portfolio_id;
         ELSE
           UPDATE portfolios p SET loan_count = p.loan_count + d.n, total_outstanding = p.total_outstanding + d.bal
             FROM (SELECT portfolio_id, sum(n) AS n, sum(bal) AS bal FROM (
                     SELECT portfolio_id, 1 AS n, principal_balance AS bal FROM new_rows WHERE portfolio_id IS NOT NULL
                     UNION ALL
                     SELECT portfolio_id, -1, -principal_balance FROM old_rows WHERE portfolio_id IS NOT NULL) x
                   GROUP BY portfolio_id HAVING sum(n) <> 0 OR sum(bal) <> 0) d
            WHERE p.id = d.portfolio_id;
         END IF;
         RETURN NULL;
       END $$`,
      `CREATE TRIGGER loans_totals_insert AFTER INSERT ON loans REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION portfolio_totals_apply()`,
      `CREATE TRIGGER loans_totals_update AFTER UPDATE ON loans REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION portfolio_totals_apply()`,
      `CREATE TRIGGER loans_totals_delete AFTER DELETE ON loans REFERENCING OLD TABLE AS old_rows
         FOR EACH STATEMENT EXECUTE FUNCTION portfolio_totals_apply()`,
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS loans');
    await q.query('DROP FUNCTION IF EXISTS portfolio_totals_apply()');
    await q.query('DROP TABLE IF EXISTS portfolios');
  }
}
