import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * §11 loss data: cumulative charged-off principal and recoveries on loans and loan snapshots.
 * A constant default adds the columns without rewriting the (possibly huge) snapshot table.
 */
export class LossAmounts1763700000040 implements MigrationInterface {
  name = 'LossAmounts1763700000040';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['loans', 'loan_snapshots']) {
      await q.query(
        `ALTER TABLE ${table}
           ADD COLUMN charged_off_amount numeric(18,2) NOT NULL DEFAULT 0,
           ADD COLUMN recovered_amount numeric(18,2) NOT NULL DEFAULT 0,
           ADD CONSTRAINT ${table}_loss_amounts CHECK (charged_off_amount >= 0 AND recovered_amount >= 0 AND recovered_amount <= charged_off_amount)`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['loans', 'loan_snapshots']) {
      await q.query(`ALTER TABLE ${table} DROP COLUMN charged_off_amount, DROP COLUMN recovered_amount`);
    }
  }
}
