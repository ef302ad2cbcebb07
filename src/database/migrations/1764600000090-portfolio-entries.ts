import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The portfolio index of loan snapshots keeps only the rows where a loan enters a portfolio
 * (issue 17.2): its first row of a month, or a row whose portfolio differs from the loan's row
 * before it in the month. A loan in portfolio P on date D got there by such a row of P earlier
 * in the month, so "the loans with an entry row of P in D's month, each at its latest row up to D,
 * still in P" is every loan in P on D. A day's changes are mostly payments that leave the
 * portfolio as it was: the run writes them without touching this index. A row marked as an entry
 * when it is not is only a candidate too many, so every writer but the run's change rows leaves
 * the default (true), and existing rows keep it.
 */
export class PortfolioEntries1764600000090 implements MigrationInterface {
  name = 'PortfolioEntries1764600000090';

  async up(q: QueryRunner): Promise<void> {
    // A constant default: no table rewrite.
    await q.query(`ALTER TABLE loan_snapshots ADD COLUMN portfolio_entry boolean NOT NULL DEFAULT true`);
    await q.query(`DROP INDEX IF EXISTS loan_snapshots_org_portfolio`);
    await q.query(`CREATE INDEX loan_snapshots_org_portfolio ON loan_snapshots (organization_id, portfolio_id, loan_id) WHERE portfolio_entry`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS loan_snapshots_org_portfolio`);
    await q.query(`CREATE INDEX loan_snapshots_org_portfolio ON loan_snapshots (organization_id, portfolio_id, loan_id)`);
    await q.query(`ALTER TABLE loan_snapshots DROP COLUMN portfolio_entry`);
  }
}
