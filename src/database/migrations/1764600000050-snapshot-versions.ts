import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/** The state columns a loan snapshot carries; a head has them all but the bucket. */
const STATE = `portfolio_id, original_principal, principal_balance, interest_rate, term_months, days_past_due,
  delinquency_bucket, status, next_payment_date, charged_off_amount, recovered_amount`;
const HEAD_STATE = STATE.replace('delinquency_bucket, ', '');

/**
 * Loan snapshots become versions (issue 17.2): within a calendar month a loan has a row on the
 * month's first observed date (the keyframe: every loan then present) and afterwards only on an
 * observed date where its state differs from the previous observed date's. A loan's state on an
 * observed date D is its latest row in [first of D's month, D]; a row with a null status says the
 * loan was not in that date's observation (a subset import), so nothing carries over it.
 *
 * - `id` goes (nothing stored it anywhere else; the API derives one from loan and date), and so
 *   does the (organization, date, loan) index: reads go by loan or by portfolio.
 * - The portfolio index gains loan_id, so a portfolio's loans on a date are walked in loan order.
 * - `loan_snapshot_heads`: each loan's state on the organization's latest observed date, what
 *   the daily run compares the live loans with (one hash join instead of a probe per loan).
 * - `loan_snapshot_counts`: how many loans each observed date answers, per portfolio, kept by
 *   the run and the import, so a numbered page's count adds a few numbers instead of walking
 *   every date (a date without counts, such as one written by hand, is counted when read).
 * - A row inserted straight into loan_snapshots (not by the run or the import, which record
 *   their dates first and set app.snapshot_writer) marks its date observed.
 * - Existing rows are full days; a loan missing on an observed date after being present earlier
 *   in the month gets its "not observed" row so it does not carry over.
 */
const PER_ORG = [
      // Full days written before: a loan gone from an observed date gets its "not observed" row.
      `WITH o AS (
         SELECT organization_id, snapshot_date,
                lag(snapshot_date) OVER (PARTITION BY organization_id, date_trunc('month', snapshot_date) ORDER BY snapshot_date) AS prev
           FROM (SELECT DISTINCT organization_id, snapshot_date FROM loan_snapshot_dates WHERE organization_id = $1) d
       )
       INSERT INTO loan_snapshots (organization_id, loan_id, snapshot_date)
       SELECT s.organization_id, s.loan_id, o.snapshot_date
         FROM o JOIN loan_snapshots s ON s.organization_id = o.organization_id AND s.snapshot_date = o.prev
        WHERE NOT EXISTS (SELECT 1 FROM loan_snapshots x WHERE x.organization_id = s.organization_id AND x.loan_id = s.loan_id AND x.snapshot_date = o.snapshot_date)`,
      `INSERT INTO loan_snapshot_heads (organization_id, loan_id, ${HEAD_STATE})
       SELECT s.organization_id, s.loan_id, ${HEAD_STATE.split(',').map((c) => `s.${c.trim()}`).join(', ')}
         FROM (SELECT organization_id, max(snapshot_date) AS d FROM loan_snapshot_dates WHERE organization_id = $1 GROUP BY organization_id) m
         JOIN LATERAL (SELECT DISTINCT ON (x.loan_id) x.* FROM loan_snapshots x
                        WHERE x.organization_id = m.organization_id AND x.snapshot_date >= date_trunc('month', m.d) AND x.snapshot_date <= m.d
                        ORDER BY x.loan_id, x.snapshot_date DESC) s ON true
        WHERE s.status IS NOT NULL`,
  // Rows written before were full days: a date's count is its present rows.
  `INSERT INTO loan_snapshot_counts (organization_id, snapshot_date, portfolio_id, loans)
   SELECT organization_id, snapshot_date, portfolio_id, count(*) FROM loan_snapshots
    WHERE organization_id = $1 AND status IS NOT NULL GROUP BY 1, 2, 3`,
];

export class SnapshotVersions1764600000050 implements MigrationInterface {
  name = 'SnapshotVersions1764600000050';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE loan_snapshots DROP COLUMN id`,
      ...['original_principal', 'principal_balance', 'interest_rate', 'term_months', 'days_past_due', 'delinquency_bucket', 'status', 'charged_off_amount', 'recovered_amount']
        .map((c) => `ALTER TABLE loan_snapshots ALTER COLUMN ${c} DROP NOT NULL`),
      `DROP INDEX IF EXISTS loan_snapshots_org_date`,
      `DROP INDEX IF EXISTS loan_snapshots_org_portfolio`,
      // Without the date, a loan's versions in one portfolio share one deduplicated entry.
      `CREATE INDEX loan_snapshots_org_portfolio ON loan_snapshots (organization_id, portfolio_id, loan_id)`,
      // A run appends its date's rows: a few block ranges find them (the month-end aggregates read them back).
      `CREATE INDEX loan_snapshots_date_brin ON loan_snapshots USING brin (snapshot_date)`,
      `CREATE TABLE loan_snapshot_heads (
         ${ORG_COLUMN},
         loan_id uuid NOT NULL,
         portfolio_id uuid,
         original_principal numeric(18,2) NOT NULL,
         principal_balance numeric(18,2) NOT NULL,
         interest_rate numeric NOT NULL,
         term_months integer NOT NULL,
         days_past_due integer NOT NULL,
         status text NOT NULL,
         next_payment_date date,
         charged_off_amount numeric(18,2) NOT NULL,
         recovered_amount numeric(18,2) NOT NULL,
         PRIMARY KEY (organization_id, loan_id)
       ) WITH (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.02)`,
      ...tenantTable('loan_snapshot_heads'),
      `CREATE TABLE loan_snapshot_counts (
         ${ORG_COLUMN},
         snapshot_date date NOT NULL,
         portfolio_id uuid,
         loans integer NOT NULL,
         CONSTRAINT loan_snapshot_counts_one UNIQUE NULLS NOT DISTINCT (organization_id, snapshot_date, portfolio_id)
       )`,
      ...tenantTable('loan_snapshot_counts'),
      `CREATE FUNCTION loan_snapshot_mark_observed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         -- The date's kept counts no longer hold: it is counted when read.
         DELETE FROM loan_snapshot_counts c WHERE c.organization_id = NEW.organization_id AND c.snapshot_date = NEW.snapshot_date;
         INSERT INTO loan_snapshot_dates (organization_id, snapshot_date, source)
         SELECT NEW.organization_id, NEW.snapshot_date, 'run'
          WHERE NOT EXISTS (SELECT 1 FROM loan_snapshot_dates d WHERE d.organization_id = NEW.organization_id AND d.snapshot_date = NEW.snapshot_date)
         ON CONFLICT DO NOTHING;
         RETURN NULL;
       END $$`,
      // The WHEN is evaluated without calling the function: the run's million rows cost a setting lookup each.
      `CREATE TRIGGER loan_snapshots_mark_observed AFTER INSERT ON loan_snapshots FOR EACH ROW
         WHEN (current_setting('app.snapshot_writer', true) IS DISTINCT FROM 'on')
         EXECUTE FUNCTION loan_snapshot_mark_observed()`,
      // The retention job's one door to swapping a month's partition (the app role owns no tables).
      `CREATE FUNCTION compact_loan_snapshot_month(p_month date) RETURNS bigint
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       DECLARE
         part text := format('loan_snapshots_%s', to_char(p_month, 'YYYY_MM'));
         fresh text := format('loan_snapshots_%s_ends', to_char(p_month, 'YYYY_MM'));
         lo date := date_trunc('month', p_month)::date;
         hi date := (date_trunc('month', p_month) + interval '1 month')::date;
         kept bigint := 0;
         n bigint;
         o uuid;
         caller text := current_setting('app.org_id', true);
       BEGIN
         IF to_regclass(part) IS NULL OR p_month >= date_trunc('month', current_date) THEN RETURN 0; END IF;
         PERFORM pg_advisory_xact_lock(727002);
         EXECUTE format('CREATE TABLE %I (LIKE loan_snapshots INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', fresh);
         -- The tenant policies bind the definer too: each organization is read under its own setting.
         FOR o IN SELECT id FROM organizations ORDER BY id LOOP
           PERFORM set_config('app.org_id', o::text, true);
           -- The month-end: every loan's state on the organization's last observed date of the month, dated that day.
           EXECUTE format($q$
             INSERT INTO %I (organization_id, loan_id, snapshot_date, ${STATE})
             SELECT s.organization_id, s.loan_id, e.d, ${STATE.split(',').map((c) => `s.${c.trim()}`).join(', ')}
               FROM (SELECT max(snapshot_date) AS d FROM loan_snapshot_dates
                      WHERE organization_id = $1 AND snapshot_date >= $2 AND snapshot_date < $3) e
               JOIN LATERAL (SELECT DISTINCT ON (x.loan_id) x.* FROM loan_snapshots x
                              WHERE x.organization_id = $1 AND x.snapshot_date >= $2 AND x.snapshot_date <= e.d
                              ORDER BY x.loan_id, x.snapshot_date DESC) s ON true
              WHERE s.status IS NOT NULL$q$, fresh) USING o, lo, hi;
           GET DIAGNOSTICS n = ROW_COUNT;
           kept := kept + n;
           DELETE FROM loan_snapshot_counts d
            WHERE d.organization_id = o AND d.snapshot_date >= lo AND d.snapshot_date < hi
              AND d.snapshot_date < (SELECT max(x.snapshot_date) FROM loan_snapshot_dates x
                                      WHERE x.organization_id = o AND x.snapshot_date >= lo AND x.snapshot_date < hi);
           DELETE FROM loan_snapshot_dates d
            WHERE d.organization_id = o AND d.snapshot_date >= lo AND d.snapshot_date < hi
              AND d.snapshot_date < (SELECT max(x.snapshot_date) FROM loan_snapshot_dates x
                                      WHERE x.organization_id = o AND x.snapshot_date >= lo AND x.snapshot_date < hi);
         END LOOP;
         PERFORM set_config('app.org_id', coalesce(caller, ''), true);
         EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (organization_id, loan_id, snapshot_date)', fresh);
         EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (snapshot_date >= %L AND snapshot_date < %L)', fresh, fresh || '_range', lo, hi);
         EXECUTE format('ALTER TABLE loan_snapshots DETACH PARTITION %I', part);
         EXECUTE format('DROP TABLE %I', part);
         EXECUTE format('ALTER TABLE %I RENAME TO %I', fresh, part);
         EXECUTE format('ALTER TABLE loan_snapshots ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
         EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, fresh || '_range');
         EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', part);
         EXECUTE format('COMMENT ON TABLE %I IS %L', part, 'month-ends');
         RETURN kept;
       END $$`,
      `REVOKE ALL ON FUNCTION compact_loan_snapshot_month(date) FROM PUBLIC`,
      // Every month before p_before not compacted yet (a compacted partition says so in its comment), oldest first.
      `CREATE FUNCTION compact_loan_snapshot_months(p_before date) RETURNS integer
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
       DECLARE
         m date;
         done integer := 0;
       BEGIN
         FOR m IN SELECT to_date(substring(c.relname FROM '^loan_snapshots_(\\d{4}_\\d{2})$'), 'YYYY_MM') AS month
                    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'loan_snapshots'::regclass AND c.relname ~ '^loan_snapshots_\\d{4}_\\d{2}$'
                     AND coalesce(obj_description(c.oid, 'pg_class'), '') <> 'month-ends'
                   ORDER BY 1 LOOP
           IF m < date_trunc('month', p_before) AND m < date_trunc('month', current_date) THEN
             PERFORM compact_loan_snapshot_month(m);
             done := done + 1;
           END IF;
         END LOOP;
         RETURN done;
       END $$`,
      `REVOKE ALL ON FUNCTION compact_loan_snapshot_months(date) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION compact_loan_snapshot_months(date) TO portfolio_app`,
    ];
    for (const s of statements) await q.query(s);
    // Existing history, one organization at a time under its own tenant setting (RLS is forced).
    const orgs: { id: string }[] = await q.query(`SELECT id FROM organizations ORDER BY id`);
    for (const { id } of orgs) {
      await q.query(`SELECT set_config('app.org_id', $1, true), set_config('app.snapshot_writer', 'on', true)`, [id]);
      for (const s of PER_ORG) await q.query(s, [id]);
    }
    await q.query(`SELECT set_config('app.org_id', '', true), set_config('app.snapshot_writer', '', true)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS compact_loan_snapshot_months(date)');
    await q.query('DROP FUNCTION IF EXISTS compact_loan_snapshot_month(date)');
    await q.query('DROP TRIGGER IF EXISTS loan_snapshots_mark_observed ON loan_snapshots');
    await q.query('DROP FUNCTION IF EXISTS loan_snapshot_mark_observed()');
    await q.query('DROP TABLE IF EXISTS loan_snapshot_counts');
    await q.query('DROP TABLE IF EXISTS loan_snapshot_heads');
    await q.query('ALTER TABLE loan_snapshots ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid()');
    await q.query('CREATE INDEX loan_snapshots_org_date ON loan_snapshots (organization_id, snapshot_date, loan_id)');
  }
}
