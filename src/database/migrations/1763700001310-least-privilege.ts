import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Row-level security that binds the owner too (issue 13, item 10).
 *
 * Every table with row-level security now forces it; `tenantTable()` does the same for new
 * tables. Partitions of `loan_snapshots` get row-level security with no policy: through the
 * parent its policy applies, and read directly a partition shows nobody anything.
 *
 * Forcing binds the SECURITY DEFINER doors too, which run as the owner: `api_key_identity`
 * and `loan_tape_schedules` must see every organization's keys and schedules. `definer_door`
 * lets the owner read those two tables only while it is not the login role, i.e. inside a
 * definer function called by another login (SET ROLE to the owner needs membership in it;
 * the runtime role has none). An app that wrongly logs in as the owner stays in one organization.
 * (A superuser or BYPASSRLS owner skips all of this, as Postgres always lets it.)
 */
/** Tables a SECURITY DEFINER function reads across organizations. */
const DOOR_TABLES = ['api_keys', 'loan_tape_configs'];

export class LeastPrivilege1763700001310 implements MigrationInterface {
  name = 'LeastPrivilege1763700001310';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DO $$ DECLARE t regclass;
      BEGIN
        FOR t IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND (c.relrowsecurity OR c.relispartition)
        LOOP
          EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', t);
        END LOOP;
      END $$`);
    for (const table of DOOR_TABLES) {
      await q.query(`CREATE POLICY definer_door ON ${table} FOR SELECT TO CURRENT_USER USING (session_user <> current_user)`);
    }
    // The same function as before, but each new month's partition is locked like the others.
    await q.query(`CREATE OR REPLACE FUNCTION ensure_loan_snapshot_partitions(p_from date, p_to date) RETURNS integer
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
               EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY', part);
               created := created + 1;
             END IF;
           END IF;
         END LOOP;
         RETURN created;
       END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of DOOR_TABLES) await q.query(`DROP POLICY IF EXISTS definer_door ON ${table}`);
    await q.query(`DO $$ DECLARE t regclass;
      BEGIN
        FOR t IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relforcerowsecurity
        LOOP
          EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', t);
        END LOOP;
      END $$`);
  }
}
