import { MigrationInterface, QueryRunner } from 'typeorm';

/** The state a pending row carries: the head's columns (what the run compares and stores). */
const STATE = ['portfolio_id', 'original_principal', 'principal_balance', 'interest_rate', 'term_months', 'days_past_due',
  'status', 'next_payment_date', 'charged_off_amount', 'recovered_amount'];
const TYPES: Record<string, string> = {
  portfolio_id: 'uuid', original_principal: 'numeric(18,2)', principal_balance: 'numeric(18,2)', interest_rate: 'numeric',
  term_months: 'integer', days_past_due: 'integer', status: 'text', next_payment_date: 'date',
  charged_off_amount: 'numeric(18,2)', recovered_amount: 'numeric(18,2)',
};

/**
 * A pending row carries the loan's state as its statement left it, numbered in write order, so
 * the daily run compares the latest one with the head without reading the book (issue 17.2): a
 * loan's writes are serialised by its row lock, so the highest number is its state now. Rows
 * already pending take the loan's current state.
 */
export class PendingState1764600000080 implements MigrationInterface {
  name = 'PendingState1764600000080';

  async up(q: QueryRunner): Promise<void> {
    const differs = `(${STATE.map((c) => `n.${c}`).join(', ')}) IS DISTINCT FROM (${STATE.map((c) => `o.${c}`).join(', ')})`;
    const columns = `organization_id, loan_id, ${STATE.join(', ')}`;
    const values = `n.organization_id, n.id, ${STATE.map((c) => `n.${c}`).join(', ')}`;
    await q.query(`ALTER TABLE loan_snapshot_pending ADD COLUMN seq bigserial, ${STATE.map((c) => `ADD COLUMN ${c} ${TYPES[c]}`).join(', ')}`);
    await q.query(`CREATE OR REPLACE FUNCTION loan_snapshot_mark_pending() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           INSERT INTO loan_snapshot_pending (${columns}) SELECT ${values} FROM new_loans n;
         ELSE
           INSERT INTO loan_snapshot_pending (${columns})
           SELECT ${values} FROM new_loans n JOIN old_loans o ON o.id = n.id WHERE ${differs};
         END IF;
         RETURN NULL;
       END $$`);
    const orgs: { id: string }[] = await q.query(`SELECT id FROM organizations ORDER BY id`);
    for (const { id } of orgs) {
      await q.query(`SELECT set_config('app.org_id', $1, true)`, [id]);
      await q.query(
        `UPDATE loan_snapshot_pending p SET ${STATE.map((c) => `${c} = l.${c}`).join(', ')}
           FROM loans l WHERE p.organization_id = $1 AND l.organization_id = $1 AND l.id = p.loan_id`,
        [id],
      );
    }
    await q.query(`SELECT set_config('app.org_id', '', true)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION loan_snapshot_mark_pending() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           INSERT INTO loan_snapshot_pending (organization_id, loan_id) SELECT n.organization_id, n.id FROM new_loans n;
         ELSE
           INSERT INTO loan_snapshot_pending (organization_id, loan_id)
           SELECT n.organization_id, n.id FROM new_loans n JOIN old_loans o ON o.id = n.id
            WHERE (${STATE.map((c) => `n.${c}`).join(', ')}) IS DISTINCT FROM (${STATE.map((c) => `o.${c}`).join(', ')});
         END IF;
         RETURN NULL;
       END $$`);
    await q.query(`ALTER TABLE loan_snapshot_pending DROP COLUMN seq, ${STATE.map((c) => `DROP COLUMN ${c}`).join(', ')}`);
  }
}
