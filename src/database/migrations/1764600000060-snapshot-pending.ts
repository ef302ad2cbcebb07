import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/** What the daily run compares with a loan's head (the head's columns). */
const STATE = ['portfolio_id', 'original_principal', 'principal_balance', 'interest_rate', 'term_months', 'days_past_due',
  'status', 'next_payment_date', 'charged_off_amount', 'recovered_amount'];
const BUCKETS = 6;
const PARTS = [
  'loans bigint', 'original_principal numeric', 'principal_balance numeric', 'rate_balance numeric', 'term_balance numeric',
  'delinquent_balance numeric', 'default_principal numeric',
  ...Array.from({ length: BUCKETS }, (_, i) => [`bucket_${i}_loans bigint`, `bucket_${i}_balance numeric`]).flat(),
].map((c) => `${c} NOT NULL`);

/**
 * The daily run in proportion to what changed (issue 17.2):
 * - `loan_snapshot_pending`: every loan inserted, or updated in a column the run compares, since
 *   the last run (statement triggers on loans with transition tables: one insert per statement).
 *   A run takes the rows it read; a loan written after it started stays for the next one.
 * - `loan_snapshot_head_sums`: the §5 metric parts of each portfolio's heads, moved by deltas.
 * Existing organizations: every loan that differs from its head is pending, and the sums are
 * counted from the heads (the snapshots module's own statements take over from here).
 */
export class SnapshotPending1764600000060 implements MigrationInterface {
  name = 'SnapshotPending1764600000060';

  async up(q: QueryRunner): Promise<void> {
    const differs = `(${STATE.map((c) => `n.${c}`).join(', ')}) IS DISTINCT FROM (${STATE.map((c) => `o.${c}`).join(', ')})`;
    const statements = [
      `CREATE TABLE loan_snapshot_pending (${ORG_COLUMN}, loan_id uuid NOT NULL)`,
      `CREATE INDEX loan_snapshot_pending_org ON loan_snapshot_pending (organization_id)`,
      ...tenantTable('loan_snapshot_pending'),
      `CREATE TABLE loan_snapshot_head_sums (
         ${ORG_COLUMN},
         portfolio_id uuid,
         ${PARTS.join(',\n         ')},
         CONSTRAINT loan_snapshot_head_sums_one UNIQUE NULLS NOT DISTINCT (organization_id, portfolio_id)
       )`,
      ...tenantTable('loan_snapshot_head_sums'),
      `CREATE FUNCTION loan_snapshot_mark_pending() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'INSERT' THEN
           INSERT INTO loan_snapshot_pending (organization_id, loan_id) SELECT n.organization_id, n.id FROM new_loans n;
         ELSE
           INSERT INTO loan_snapshot_pending (organization_id, loan_id)
           SELECT n.organization_id, n.id FROM new_loans n JOIN old_loans o ON o.id = n.id WHERE ${differs};
         END IF;
         RETURN NULL;
       END $$`,
      `CREATE TRIGGER loans_snapshot_pending_insert AFTER INSERT ON loans REFERENCING NEW TABLE AS new_loans
         FOR EACH STATEMENT EXECUTE FUNCTION loan_snapshot_mark_pending()`,
      `CREATE TRIGGER loans_snapshot_pending_update AFTER UPDATE ON loans REFERENCING OLD TABLE AS old_loans NEW TABLE AS new_loans
         FOR EACH STATEMENT EXECUTE FUNCTION loan_snapshot_mark_pending()`,
    ];
    for (const s of statements) await q.query(s);
    const inBucket = (i: number) => ['= 0', 'BETWEEN 1 AND 29', 'BETWEEN 30 AND 59', 'BETWEEN 60 AND 89', 'BETWEEN 90 AND 119', '>= 120'][i];
    const inDefault = `(s.status IN ('defaulted', 'charged_off') OR s.days_past_due >= 120)`;
    const sum = (v: string, where?: string) => `coalesce(sum(${v})${where ? ` FILTER (WHERE ${where})` : ''}, 0)`;
    const parts = [
      'count(*)', sum('s.original_principal'), sum('s.principal_balance'), sum('s.interest_rate * s.principal_balance'),
      sum('s.term_months * s.principal_balance'), sum('s.principal_balance', `s.days_past_due >= 30 AND NOT ${inDefault}`),
      sum('s.original_principal', inDefault),
      ...Array.from({ length: BUCKETS }, (_, i) => [`count(*) FILTER (WHERE s.days_past_due ${inBucket(i)})`,
        sum('s.principal_balance', `s.days_past_due ${inBucket(i)}`)]).flat(),
    ];
    const orgs: { id: string }[] = await q.query(`SELECT id FROM organizations ORDER BY id`);
    for (const { id } of orgs) {
      await q.query(`SELECT set_config('app.org_id', $1, true)`, [id]);
      await q.query(
        `INSERT INTO loan_snapshot_pending (organization_id, loan_id)
         SELECT n.organization_id, n.id FROM loans n LEFT JOIN loan_snapshot_heads o ON o.organization_id = n.organization_id AND o.loan_id = n.id
          WHERE n.organization_id = $1 AND (o.loan_id IS NULL OR ${differs})`,
        [id],
      );
      await q.query(
        `INSERT INTO loan_snapshot_head_sums (organization_id, portfolio_id, ${PARTS.map((c) => c.split(' ')[0]).join(', ')})
         SELECT $1, s.portfolio_id, ${parts.join(', ')} FROM loan_snapshot_heads s WHERE s.organization_id = $1 GROUP BY s.portfolio_id`,
        [id],
      );
    }
    await q.query(`SELECT set_config('app.org_id', '', true)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS loans_snapshot_pending_update ON loans');
    await q.query('DROP TRIGGER IF EXISTS loans_snapshot_pending_insert ON loans');
    await q.query('DROP FUNCTION IF EXISTS loan_snapshot_mark_pending()');
    await q.query('DROP TABLE IF EXISTS loan_snapshot_head_sums');
    await q.query('DROP TABLE IF EXISTS loan_snapshot_pending');
  }
}
