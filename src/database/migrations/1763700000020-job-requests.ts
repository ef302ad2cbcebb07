import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * Durable work (issue 14). `job_requests` is the outbox: every job a 202 promises is written
 * here in the request's own transaction, so Redis losing its data loses no accepted work; the
 * workers' reconciler re-adds whatever is pending and missing from Redis. `schedule_runs`
 * keeps each schedule's last successful run in Postgres, for alerting and for catch-up.
 */
export class JobRequests1763700000020 implements MigrationInterface {
  name = 'JobRequests1763700000020';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE job_requests (
         id text PRIMARY KEY,
         ${ORG_COLUMN},
         queue text NOT NULL,
         name text NOT NULL,
         payload jsonb NOT NULL,
         opts jsonb NOT NULL,
         status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
         result jsonb,
         failed_reason text,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         finished_at timestamptz,
         -- A job id carries its organization (queue.name.org.run): a record can never disagree.
         CONSTRAINT job_requests_id_org CHECK (split_part(id, '.', 3) = organization_id::text)
       )`,
      `CREATE INDEX job_requests_pending ON job_requests (id) WHERE status = 'pending'`,
      ...tenantTable('job_requests'),
      // The reconciler works across organizations: these definer functions are its narrow door
      // through row-level security (pending records to re-add; final outcomes to write back).
      `CREATE FUNCTION pending_job_requests(p_min_age interval, p_after text, p_limit integer)
         RETURNS TABLE (id text, queue text, name text, payload jsonb, opts jsonb)
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
         AS $$ SELECT id, queue, name, payload, opts FROM job_requests
                WHERE status = 'pending' AND created_at <= now() - p_min_age AND id > p_after
                ORDER BY id LIMIT p_limit $$`,
      // 'merged' means Redis folded the job into an equal waiting one: nothing left to track.
      `CREATE FUNCTION finish_job_requests(p_ids text[], p_states text[], p_results jsonb[], p_reasons text[])
         RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
         AS $$
         DECLARE n integer;
         BEGIN
           DELETE FROM job_requests j USING unnest(p_ids, p_states) AS f(id, state)
            WHERE j.id = f.id AND f.state = 'merged' AND j.status = 'pending';
           UPDATE job_requests j SET status = f.state, result = f.result, failed_reason = f.reason,
                  finished_at = now(), updated_at = now()
             FROM unnest(p_ids, p_states, p_results, p_reasons) AS f(id, state, result, reason)
            WHERE j.id = f.id AND f.state IN ('completed', 'failed') AND j.status = 'pending';
           GET DIAGNOSTICS n = ROW_COUNT;
           RETURN n;
         END $$`,
      // A schedule's fan-out records one job per organization in one statement, outside any tenant.
      `CREATE FUNCTION record_job_requests(p_jobs jsonb) RETURNS void
         LANGUAGE sql SECURITY DEFINER SET search_path = public
         AS $$ INSERT INTO job_requests (id, organization_id, queue, name, payload, opts)
               SELECT j->>'id', (j->>'org')::uuid, j->>'queue', j->>'name', j->'payload', j->'opts'
                 FROM jsonb_array_elements(p_jobs) j
               ON CONFLICT (id) DO NOTHING $$`,
      `REVOKE ALL ON FUNCTION record_job_requests(jsonb) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION record_job_requests(jsonb) TO portfolio_app`,
      // Finished records are kept as long as Redis keeps failed jobs, then pruned in bounded batches.
      `CREATE FUNCTION prune_job_requests(p_older_than interval, p_limit integer) RETURNS integer
         LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
         AS $$
         DECLARE n integer;
         BEGIN
           DELETE FROM job_requests WHERE id IN (
             SELECT id FROM job_requests WHERE status <> 'pending' AND finished_at < now() - p_older_than LIMIT p_limit);
           GET DIAGNOSTICS n = ROW_COUNT;
           RETURN n;
         END $$`,
      `REVOKE ALL ON FUNCTION prune_job_requests(interval, integer) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION prune_job_requests(interval, integer) TO portfolio_app`,
      `CREATE INDEX job_requests_finished ON job_requests (finished_at) WHERE status <> 'pending'`,
      `REVOKE ALL ON FUNCTION pending_job_requests(interval, text, integer) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION pending_job_requests(interval, text, integer) TO portfolio_app`,
      `REVOKE ALL ON FUNCTION finish_job_requests(text[], text[], jsonb[], text[]) FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION finish_job_requests(text[], text[], jsonb[], text[]) TO portfolio_app`,
      // Platform-wide, like organizations: one row per schedule id.
      `CREATE TABLE schedule_runs (
         schedule text PRIMARY KEY,
         queue text NOT NULL,
         cron text,
         registered_at timestamptz NOT NULL DEFAULT now(),
         last_success_at timestamptz,
         last_catch_up_for timestamptz
       )`,
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS schedule_runs');
    await q.query('DROP FUNCTION IF EXISTS finish_job_requests(text[], text[], jsonb[], text[])');
    await q.query('DROP FUNCTION IF EXISTS record_job_requests(jsonb)');
    await q.query('DROP FUNCTION IF EXISTS prune_job_requests(interval, integer)');
    await q.query('DROP FUNCTION IF EXISTS pending_job_requests(interval, text, integer)');
    await q.query('DROP TABLE IF EXISTS job_requests');
  }
}
