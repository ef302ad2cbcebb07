import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * The daily run commits its loan snapshots without waiting for the month-end aggregates: each
 * date whose upkeep is still to do is a row here, written in the run's transaction. A follow-up
 * job applies them oldest first, and so does anything that reads or rewrites the month-ends
 * before it gets there (issue 17.3).
 */
export class MonthEndPending1764600000070 implements MigrationInterface {
  name = 'MonthEndPending1764600000070';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE analytics_pending_runs (
         ${ORG_COLUMN},
         snapshot_date date NOT NULL,
         PRIMARY KEY (organization_id, snapshot_date)
       )`);
    for (const s of tenantTable('analytics_pending_runs')) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS analytics_pending_runs');
  }
}
