import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * The dates whose loan state was observed (§5), by a daily run or a history import, so that a
 * day nobody observed is known to be unobserved rather than made up.
 */
export class LoanSnapshotDates1763700000041 implements MigrationInterface {
  name = 'LoanSnapshotDates1763700000041';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE loan_snapshot_dates (
         ${ORG_COLUMN},
         snapshot_date date NOT NULL,
         source text NOT NULL CHECK (source IN ('run', 'import')),
         recorded_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (organization_id, snapshot_date, source)
       )`,
    );
    for (const s of tenantTable('loan_snapshot_dates')) await q.query(s);
    // Dates observed before this table existed: every date that has loan snapshots was a run.
    await q.query(
      `INSERT INTO loan_snapshot_dates (organization_id, snapshot_date, source)
       SELECT DISTINCT organization_id, snapshot_date, 'run' FROM loan_snapshots`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS loan_snapshot_dates');
  }
}
