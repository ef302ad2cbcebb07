import { MigrationInterface, QueryRunner } from 'typeorm';

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

      // Settles one instruction in the caller's transaction. Returns its final status.
      // A close expects the account's accrual caught up to today (the settlement run does that
      // first, for every due close); if the day turned in between, it raises, the run's batch
      // stops there and the retried job catches up again, so no day's interest is lost.
      `CREATE OR REPLACE FUNCTION savings_settle_instruction(p_id bigint, p_run text) RETURNS text
         LANGUAGE plpgsql AS $$
         DECLARE
           i savings_instructions%ROWTYPE;
           a savings_accounts%ROWTYPE;
           v savings_product_versions%ROWTYPE;
           t timestamptz := clock_timestamp();
           d date := (clock_timestamp() AT TIME ZONE 'UTC')::date;
           reject text;
           paid numeric;
         BEGIN
           SELECT * INTO i FROM savings_instructions WHERE id = p_id FOR UPDATE;
           IF NOT FOUND OR i.status <> 'Created' THEN RETURN coalesce(i.status, 'missing'); END IF;

           IF i.kind = 'deposit' AND i.account_id IS NULL THEN
             SELECT * INTO v FROM savings_product_versions
              WHERE product_id = i.product_id AND version = i.product_version;
             INSERT INTO savings_accounts (organization_id, portfolio_id, product_id, product_version, opened_at,
                                           opening_date, matures_at, maturity_date, amount, accrued_until)
             VALUES (i.organization_id, i.portfolio_id, i.product_id, i.product_version, t, d,
                     CASE WHEN v.term_months IS NOT NULL
                          THEN ((t AT TIME ZONE 'UTC') + make_interval(months => v.term_months)) AT TIME ZONE 'UTC' END,
                     CASE WHEN v.term_months IS NOT NULL THEN (d + make_interval(months => v.term_months))::date END,
                     i.amount, d)
             RETURNING * INTO a;
             UPDATE savings_instructions SET account_id = a.id WHERE id = i.id;
             INSERT INTO savings_movements (organization_id, account_id, instruction_id, effective_date, amount)
             VALUES (i.organization_id, a.id, i.id, d, i.amount);
           ELSE
             SELECT * INTO a FROM savings_accounts WHERE id = i.account_id FOR UPDATE;
             IF a.status = 'closed' THEN
               reject := 'The deposit account is closed';
             ELSIF i.kind = 'deposit' AND a.status <> 'open' THEN
               reject := 'The deposit account has matured and takes no further deposits';
             ELSIF i.kind <> 'deposit' AND a.status = 'open' AND a.matures_at IS NOT NULL AND t < a.matures_at THEN
               reject := 'A fixed-term account cannot be withdrawn from or closed before it matures';
             ELSIF i.kind = 'withdrawal' AND i.amount > a.amount THEN
               reject := format('Insufficient funds: the withdrawal of %s exceeds the available balance of %s', i.amount, a.amount);
             END IF;
             IF reject IS NOT NULL THEN
               UPDATE savings_instructions SET status = 'Rejected', reason = reject, processed_at = t, run_id = p_run
                WHERE id = i.id;
               PERFORM savings_touch_portfolio(i.portfolio_id, p_run);
               RETURN 'Rejected';
             END IF;

             IF i.kind = 'close' THEN
               IF a.status = 'open' AND a.accrued_until < d THEN
                 RAISE EXCEPTION 'savings account % is accrued only until %, not %', a.id, a.accrued_until, d
                   USING ERRCODE = 'object_not_in_prerequisite_state';
               END IF;
               -- Interest up to the closing day is paid rounded down; the sub-penny rest is forfeited.
               paid := trunc(a.interest_accrued, 2);
               UPDATE savings_accounts
                  SET amount = 0, interest_paid = interest_paid + paid, interest_accrued = 0,
                      interest_forfeited = interest_forfeited + (a.interest_accrued - paid),
                      status = 'closed', closed_at = t, updated_at = t
                WHERE id = a.id;
               IF a.amount > 0 THEN
                 INSERT INTO savings_movements (organization_id, account_id, instruction_id, effective_date, amount)
                 VALUES (i.organization_id, a.id, i.id, d, -a.amount);
               END IF;
               UPDATE savings_instructions
                  SET amount = a.amount, interest_paid = paid, interest_forfeited = a.interest_accrued - paid
                WHERE id = i.id;
             ELSE
               UPDATE savings_accounts
                  SET amount = amount + CASE WHEN i.kind = 'deposit' THEN i.amount ELSE -i.amount END,
                      status = CASE WHEN i.kind = 'withdrawal' AND status = 'matured' AND amount = i.amount
                                    THEN 'closed' ELSE status END,
                      closed_at = CASE WHEN i.kind = 'withdrawal' AND status = 'matured' AND amount = i.amount
                                       THEN t END,
                      updated_at = t
                WHERE id = a.id;
               INSERT INTO savings_movements (organization_id, account_id, instruction_id, effective_date, amount)
               VALUES (i.organization_id, a.id, i.id, d, CASE WHEN i.kind = 'deposit' THEN i.amount ELSE -i.amount END);
             END IF;
           END IF;

           UPDATE savings_instructions SET status = 'Processed', processed_at = t, run_id = p_run WHERE id = i.id;
           PERFORM savings_touch_portfolio(i.portfolio_id, p_run);
           RETURN 'Processed';
         END $$`,
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
