import { MigrationInterface, QueryRunner } from 'typeorm';
import { SETTLE_INSTRUCTION_SQL } from '../../modules/savings/sql/settle-instruction.sql';

/**
 * Savings, second step: ACT/ACT day counts, close-account and revert instructions.
 *
 * - A close instruction carries no amount when it is accepted (the balance is only known at
 *   settlement); settlement records the amount it withdrew.
 * - `Reverted` is a final status, like `Processed` and `Rejected`; the partial indexes on
 *   `status = 'Created'` drop a reverted instruction from the pending items by themselves.
 * - A closed account keeps the sub-penny interest it could not pay in `interest_forfeited`.
 * - `savings_settle_instruction` is replaced (same signature) to settle closes.
 * - The settlement run pages through pending instructions by id (`savings_instructions_created`).
 */
export class SavingsCloseRevert1763700000030 implements MigrationInterface {
  name = 'SavingsCloseRevert1763700000030';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE savings_product_versions DROP CONSTRAINT savings_product_versions_day_count_basis_check`,
      `ALTER TABLE savings_product_versions ADD CONSTRAINT savings_product_versions_day_count_basis_check
         CHECK (day_count_basis IN ('ACT/365F', 'ACT/360', 'ACT/ACT'))`,

      `ALTER TABLE savings_instructions DROP CONSTRAINT savings_instructions_kind_check`,
      `ALTER TABLE savings_instructions ADD CONSTRAINT savings_instructions_kind_check
         CHECK (kind IN ('deposit', 'withdrawal', 'close'))`,
      `ALTER TABLE savings_instructions DROP CONSTRAINT savings_instructions_status_check`,
      `ALTER TABLE savings_instructions ADD CONSTRAINT savings_instructions_status_check
         CHECK (status IN ('Created', 'Processed', 'Rejected', 'Reverted'))`,
      `ALTER TABLE savings_instructions DROP CONSTRAINT savings_instructions_amount_check`,
      `ALTER TABLE savings_instructions ALTER COLUMN amount DROP NOT NULL`,
      `ALTER TABLE savings_instructions ADD CONSTRAINT savings_instructions_amount_check
         CHECK (CASE WHEN kind = 'close' THEN amount IS NULL OR amount >= 0 ELSE amount IS NOT NULL AND amount > 0 END)`,
      `ALTER TABLE savings_instructions ADD CONSTRAINT savings_instructions_close_account
         CHECK (kind <> 'close' OR account_id IS NOT NULL)`,

      // The settlement run walks pending instructions in id order, a page at a time.
      `CREATE INDEX savings_instructions_created ON savings_instructions (organization_id, id) WHERE status = 'Created'`,

      `ALTER TABLE savings_accounts ADD COLUMN interest_forfeited numeric(30,10) NOT NULL DEFAULT 0`,
      // What a settled close paid and forfeited, kept on the instruction: the closed account leaves the view.
      `ALTER TABLE savings_instructions ADD COLUMN interest_paid numeric(20,2)`,
      `ALTER TABLE savings_instructions ADD COLUMN interest_forfeited numeric(30,10)`,
      `ALTER TABLE savings_accounts ADD COLUMN closed_at timestamptz`,

      // Settles one instruction; the rule lives with the savings module (see there).
      SETTLE_INSTRUCTION_SQL,
    ];
    for (const s of statements) await q.query(s);
  }

  /**
   * Leaves the replaced settlement function in place: it settles deposits and withdrawals exactly
   * as the one it replaced, and refuses nothing the old schema allows.
   */
  async down(q: QueryRunner): Promise<void> {
    const statements = [
      `DELETE FROM savings_movements WHERE instruction_id IN (SELECT id FROM savings_instructions WHERE kind = 'close')`,
      `DELETE FROM savings_instructions WHERE kind = 'close'`,
      `UPDATE savings_instructions SET status = 'Rejected', reason = 'Reverted' WHERE status = 'Reverted'`,
      `DROP INDEX savings_instructions_created`,
      `ALTER TABLE savings_instructions DROP COLUMN interest_forfeited`,
      `ALTER TABLE savings_instructions DROP COLUMN interest_paid`,
      `ALTER TABLE savings_accounts DROP COLUMN closed_at`,
      `ALTER TABLE savings_accounts DROP COLUMN interest_forfeited`,
      `ALTER TABLE savings_instructions DROP CONSTRAINT savings_instructions_close_account`,
      `ALTER TABLE savings_instructions DROP CONSTRAINT savings_instructions_amount_check`,
      `ALTER TABLE savings_instructions ALTER COLUMN amount SET NOT NULL`,
      `ALTER TABLE savings_instructions ADD CONSTRAINT savings_instructions_amount_check CHECK (amount > 0)`,
      `ALTER TABLE savings_instructions DROP CONSTRAINT savings_instructions_status_check`,
      `ALTER TABLE savings_instructions ADD CONSTRAINT savings_instructions_status_check
         CHECK (status IN ('Created', 'Processed', 'Rejected'))`,
      `ALTER TABLE savings_instructions DROP CONSTRAINT savings_instructions_kind_check`,
      `ALTER TABLE savings_instructions ADD CONSTRAINT savings_instructions_kind_check CHECK (kind IN ('deposit', 'withdrawal'))`,
      `ALTER TABLE savings_product_versions DROP CONSTRAINT savings_product_versions_day_count_basis_check`,
      `ALTER TABLE savings_product_versions ADD CONSTRAINT savings_product_versions_day_count_basis_check
         CHECK (day_count_basis IN ('ACT/365F', 'ACT/360'))`,
    ];
    for (const s of statements) await q.query(s);
  }
}
