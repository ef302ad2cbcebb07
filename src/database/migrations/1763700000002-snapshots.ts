import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * Loan snapshots (one row per loan per day, range-partitioned by month so a year of a million
 * loans stays manageable) and portfolio snapshots (one row per portfolio per day).
 *
 * Loan snapshots also keep `original_principal` and `term_months`, so a past portfolio
 * snapshot is computed from that day's rows alone, even if a loan was corrected since.
 */
export class Snapshots1763700000002 implements MigrationInterface {
  name = 'Snapshots1763700000002';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE loan_snapshots (
         id uuid NOT NULL DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         loan_id uuid NOT NULL,
         portfolio_id uuid,
         snapshot_date date NOT NULL,
         original_principal numeric(18,2) NOT NULL,
         principal_balance numeric(18,2) NOT NULL,
         interest_rate numeric NOT NULL,
         term_months integer NOT NULL,
         days_past_due integer NOT NULL,
         delinquency_bucket text NOT NULL,
         status text NOT NULL,
         next_payment_date date,
         -- The partition key must be part of every unique key of a partitioned table.
         PRIMARY KEY (organization_id, loan_id, snapshot_date)
       ) PARTITION BY RANGE (snapshot_date)`,
      // Serves the list order (date desc, loan desc), the keyset cursor and the per-date replace.
      `CREATE INDEX loan_snapshots_org_date ON loan_snapshots (organization_id, snapshot_date, loan_id)`,
      `CREATE INDEX loan_snapshots_org_portfolio ON loan_snapshots (organization_id, portfolio_id, snapshot_date)`,
      ...tenantTable('loan_snapshots'),
      // The app role may not create tables; this definer function is its one narrow door to
      // adding monthly partitions. Fixed search_path so a caller cannot redirect names.
      `CREATE FUNCTION ensure_loan_snapshot_partitions(p_from date, p_to date) RETURNS integer
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       DECLARE
         m date;
         part text;
         created integer := 0;
       BEGIN
         IF p_to < p_from OR p_to - p_from > 3700 THEN
           RAISE EXCEPTION 'partition range % to % is not allowed', p_from, p_to;
         END IF;
         FOR m IN SELECT generate_series(date_trunc('month', p_from), date_trunc('month', p_to), interval '1 month')::date LOOP
           part := format('loan_snapshots_%s', to_char(m, 'YYYY_MM'));
           IF to_regclass(part) IS NULL THEN
             -- Two organizations' runs may race to create the same month.
             PERFORM pg_advisory_xact_lock(727002);
             IF to_regclass(part) IS NULL THEN
               EXECUTE format('CREATE TABLE %I PARTITION OF loan_snapshots FOR VALUES FROM (%L) TO (%L)',
                              part, m, (m + interval '1 month')::date);
               created := created + 1;
             END IF;
           END IF;
         END LOOP;
         RETURN created;
       END $$`,
      `REVOKE ALL ON FUNCTION ensure_loan_snapshot_partitions(date, date) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION ensure_loan_snapshot_partitions(date, date) TO portfolio_app`,
      `SELECT ensure_loan_snapshot_partitions((current_date - interval '25 months')::date, (current_date + interval '2 months')::date)`,
      `CREATE TABLE portfolio_snapshots (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         portfolio_id uuid NOT NULL,
         snapshot_date date NOT NULL,
         total_loans integer NOT NULL,
         total_principal numeric(20,2) NOT NULL,
         total_outstanding numeric(20,2) NOT NULL,
         -- Unrounded quotients; the API rounds rates to 6 places on the way out.
         weighted_average_rate numeric,
         weighted_average_term integer,
         delinquency_rate numeric,
         default_rate numeric,
         -- Indexed by bucket in the order current, dpd_1_29, dpd_30_59, dpd_60_89, dpd_90_119, dpd_120_plus.
         bucket_counts integer[] NOT NULL,
         bucket_balances numeric(20,2)[] NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT portfolio_snapshots_one_per_day UNIQUE (organization_id, portfolio_id, snapshot_date),
         CONSTRAINT portfolio_snapshots_portfolio_fk FOREIGN KEY (organization_id, portfolio_id)
           REFERENCES portfolios (organization_id, id)
       )`,
      ...tenantTable('portfolio_snapshots'),
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS portfolio_snapshots');
    await q.query('DROP FUNCTION IF EXISTS ensure_loan_snapshot_partitions(date, date)');
    await q.query('DROP TABLE IF EXISTS loan_snapshots');
  }
}
