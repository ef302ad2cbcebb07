import { MigrationInterface, QueryRunner } from 'typeorm';
import { buildMonthEnds } from '../../modules/analytics/month-ends';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * Month-end aggregates for vintages, performance and transitions (issue 17.3, 18.6): each
 * loan's month-end observation with its §11 month figures, the keys its figures are summed
 * under, and the additive sums per portfolio. A statement trigger on `loans` flags a change of
 * membership, origination date or original principal, so the next read moves the sums.
 * Organizations that already have loan snapshots are built here.
 */
export class MonthEndAggregates1764600000030 implements MigrationInterface {
  name = 'MonthEndAggregates1764600000030';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE loan_month_ends (
         ${ORG_COLUMN},
         loan_id uuid NOT NULL,
         mi integer NOT NULL,
         snapshot_date date NOT NULL,
         original_principal numeric(18,2) NOT NULL,
         balance numeric(18,2) NOT NULL,
         interest_rate numeric NOT NULL,
         term_months integer NOT NULL,
         days_past_due integer NOT NULL,
         status text NOT NULL,
         charged_off_amount numeric(18,2) NOT NULL,
         recovered_amount numeric(18,2) NOT NULL,
         -- From the M−1 row (null when the loan was not observed at M−1), §11.
         b0 numeric(18,2),
         from_state text,
         active boolean NOT NULL DEFAULT false,
         s numeric,
         u numeric,
         newly boolean NOT NULL DEFAULT false,
         -- The M−1-based figures above are out of date (a new row, or its M−1 row changed).
         needs_derive boolean NOT NULL DEFAULT true,
         -- Month first: a month's rows are one range (the run, recounts), and a (month, loan) probe
         -- is exact through either index whatever the planner believes about a month just written.
         PRIMARY KEY (organization_id, mi, loan_id)
       ) WITH (fillfactor = 85)`,
      // Room on each page: the run rewrites the current month's rows in place (HOT, no index entries).
      `CREATE INDEX loan_month_ends_loan ON loan_month_ends (organization_id, loan_id, mi)`,
      `CREATE INDEX loan_month_ends_derive ON loan_month_ends (organization_id) WHERE needs_derive`,
      ...tenantTable('loan_month_ends'),
      `CREATE TABLE analytics_loans (
         ${ORG_COLUMN},
         loan_id uuid NOT NULL,
         portfolio_id uuid,
         cohort_month integer NOT NULL,
         loan_principal numeric(18,2) NOT NULL,
         first_default_mi integer,
         PRIMARY KEY (organization_id, loan_id)
       )`,
      ...tenantTable('analytics_loans'),
      `CREATE TABLE portfolio_month_sums (
         ${ORG_COLUMN},
         portfolio_id uuid NOT NULL,
         cohort_month integer NOT NULL,
         mi integer NOT NULL,
         n integer NOT NULL,
         balance numeric NOT NULL,
         original_principal numeric NOT NULL,
         rate_balance numeric NOT NULL,
         remaining_balance numeric NOT NULL,
         dpd30 numeric NOT NULL,
         dpd60 numeric NOT NULL,
         dpd90 numeric NOT NULL,
         charged_off numeric NOT NULL,
         recovered numeric NOT NULL,
         unscheduled numeric NOT NULL,
         expected numeric NOT NULL,
         defaulted numeric NOT NULL,
         active_b0 numeric NOT NULL,
         first_default_principal numeric NOT NULL,
         PRIMARY KEY (organization_id, portfolio_id, cohort_month, mi)
       )`,
      ...tenantTable('portfolio_month_sums'),
      `CREATE TABLE portfolio_transition_sums (
         ${ORG_COLUMN},
         portfolio_id uuid NOT NULL,
         mi integer NOT NULL,
         from_state text NOT NULL,
         to_state text NOT NULL,
         n integer NOT NULL,
         balance numeric NOT NULL,
         PRIMARY KEY (organization_id, portfolio_id, mi, from_state, to_state)
       )`,
      ...tenantTable('portfolio_transition_sums'),
      `CREATE TABLE analytics_state (
         ${ORG_COLUMN} PRIMARY KEY,
         built_at timestamptz NOT NULL DEFAULT now()
       )`,
      ...tenantTable('analytics_state'),
      `CREATE TABLE analytics_loan_changes (
         ${ORG_COLUMN},
         marked_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE INDEX analytics_loan_changes_org ON analytics_loan_changes (organization_id)`,
      ...tenantTable('analytics_loan_changes'),
      // One flag per statement (not per row), so a million-loan auto-assign costs one insert.
      `CREATE FUNCTION analytics_flag_loan_changes() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF app_org() IS NOT NULL THEN
           INSERT INTO analytics_loan_changes (organization_id) VALUES (app_org());
         END IF;
         RETURN NULL;
       END $$`,
      `CREATE TRIGGER loans_analytics_changes AFTER UPDATE OF portfolio_id, origination_date, original_principal ON loans
         FOR EACH STATEMENT EXECUTE FUNCTION analytics_flag_loan_changes()`,
    ];
    for (const s of statements) await q.query(s);
    // Existing history, one organization at a time under its own tenant setting (RLS is forced).
    const orgs: { id: string }[] = await q.query(`SELECT id FROM organizations ORDER BY id`);
    for (const { id } of orgs) {
      await q.query(`SELECT set_config('app.org_id', $1, true)`, [id]);
      const [{ has }] = await q.query(`SELECT EXISTS (SELECT 1 FROM loan_snapshots WHERE organization_id = $1) AS has`, [id]);
      if (has) await buildMonthEnds((sql, params) => q.query(sql, params), id);
    }
    await q.query(`SELECT set_config('app.org_id', '', true)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS loans_analytics_changes ON loans');
    await q.query('DROP FUNCTION IF EXISTS analytics_flag_loan_changes()');
    for (const t of ['analytics_loan_changes', 'analytics_state', 'portfolio_transition_sums', 'portfolio_month_sums', 'analytics_loans', 'loan_month_ends']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
