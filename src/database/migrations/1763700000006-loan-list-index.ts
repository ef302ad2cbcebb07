import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A portfolio's loans listed in loan_number order (page or keyset) become an index range scan
 * with a LIMIT, instead of sorting the whole portfolio for every page. Replaces the
 * (organization_id, portfolio_id) index: the trigger-kept totals no longer need its INCLUDE.
 */
export class LoanListIndex1763700000006 implements MigrationInterface {
  name = 'LoanListIndex1763700000006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX loans_org_portfolio_number ON loans (organization_id, portfolio_id, loan_number)`);
    await q.query(`DROP INDEX loans_org_portfolio`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX loans_org_portfolio ON loans (organization_id, portfolio_id) INCLUDE (principal_balance)`);
    await q.query(`DROP INDEX loans_org_portfolio_number`);
  }
}
