import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * Loan-tape configs and the tapes generated from them. A tape freezes the format, columns and
 * scope it was requested with, so a config edited while a job waits cannot change what that
 * tape contains. The file itself lives in tape storage under `storage_key`; the row holds its
 * size and sha256.
 */
export class LoanTapes1763700000004 implements MigrationInterface {
  name = 'LoanTapes1763700000004';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE loan_tape_configs (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         name text NOT NULL,
         portfolio_id uuid,
         format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'json')),
         columns text[] NOT NULL CHECK (cardinality(columns) > 0),
         schedule text NOT NULL DEFAULT 'none' CHECK (schedule IN ('none', 'daily', 'weekly', 'monthly')),
         schedule_hour integer NOT NULL DEFAULT 6 CHECK (schedule_hour BETWEEN 0 AND 23),
         is_active boolean NOT NULL DEFAULT true,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         version integer NOT NULL DEFAULT 1,
         UNIQUE (organization_id, id),
         CONSTRAINT loan_tape_configs_portfolio_fk FOREIGN KEY (organization_id, portfolio_id)
           REFERENCES portfolios (organization_id, id)
       )`,
      `CREATE INDEX loan_tape_configs_org_created ON loan_tape_configs (organization_id, created_at DESC, id)`,
      ...tenantTable('loan_tape_configs'),
      `CREATE TABLE loan_tapes (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         ${ORG_COLUMN},
         config_id uuid NOT NULL,
         status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
         trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
         format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'json')),
         columns text[] NOT NULL,
         portfolio_id uuid,
         as_of_date date NOT NULL,
         source text NOT NULL CHECK (source IN ('live', 'snapshot')),
         file_name text NOT NULL,
         storage_key text,
         row_count bigint,
         byte_size bigint,
         sha256 text,
         failed_reason text,
         job_id text,
         attempts integer NOT NULL DEFAULT 0,
         requested_by text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         started_at timestamptz,
         completed_at timestamptz,
         UNIQUE (organization_id, id),
         -- A scheduler tick's retried job finds the tape its first attempt created.
         CONSTRAINT loan_tapes_job_unique UNIQUE (organization_id, job_id),
         CONSTRAINT loan_tapes_config_fk FOREIGN KEY (organization_id, config_id)
           REFERENCES loan_tape_configs (organization_id, id),
         CONSTRAINT loan_tapes_completed_file CHECK (status <> 'completed' OR (storage_key IS NOT NULL AND sha256 IS NOT NULL))
       )`,
      `CREATE INDEX loan_tapes_org_created ON loan_tapes (organization_id, created_at DESC, id)`,
      `CREATE INDEX loan_tapes_org_config ON loan_tapes (organization_id, config_id, created_at DESC, id)`,
      ...tenantTable('loan_tapes'),
      // Worker boot re-registers every live schedule across organizations: this definer
      // function is the one narrow door through row-level security, returning ids and timing only.
      `CREATE FUNCTION loan_tape_schedules()
         RETURNS TABLE (organization_id uuid, id uuid, schedule text, schedule_hour integer)
         LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
         AS $$ SELECT organization_id, id, schedule, schedule_hour FROM loan_tape_configs
               WHERE is_active AND schedule <> 'none' $$`,
      `REVOKE ALL ON FUNCTION loan_tape_schedules() FROM PUBLIC`,
      `GRANT EXECUTE ON FUNCTION loan_tape_schedules() TO portfolio_app`,
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS loan_tape_schedules()');
    await q.query('DROP TABLE IF EXISTS loan_tapes');
    await q.query('DROP TABLE IF EXISTS loan_tape_configs');
  }
}
