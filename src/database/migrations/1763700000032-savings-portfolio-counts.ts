import { MigrationInterface, QueryRunner } from 'typeorm';
import { ORG_COLUMN, tenantTable } from './sql';

/**
 * The paged savings view answers `pageCount` on every page. Counting a million portfolios is an
 * index scan of a million entries per request; this keeps the count per organization instead,
 * in the same transaction as the rows it counts (statement-level triggers, so a bulk insert
 * updates it once). A transaction that creates a portfolio holds its organization's counter row
 * until it commits; new portfolios are rare next to reads, and the instruction request that
 * creates one is short.
 */
export class SavingsPortfolioCounts1763700000032 implements MigrationInterface {
  name = 'SavingsPortfolioCounts1763700000032';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE savings_portfolio_counts (
         ${ORG_COLUMN} PRIMARY KEY,
         portfolios bigint NOT NULL CHECK (portfolios >= 0)
       )`,
      ...tenantTable('savings_portfolio_counts'),
      `CREATE FUNCTION savings_count_portfolios() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF TG_OP = 'INSERT' THEN
             INSERT INTO savings_portfolio_counts (organization_id, portfolios)
             SELECT organization_id, count(*) FROM added GROUP BY organization_id
             ON CONFLICT (organization_id) DO UPDATE SET portfolios = savings_portfolio_counts.portfolios + excluded.portfolios;
           ELSE
             UPDATE savings_portfolio_counts c SET portfolios = c.portfolios - r.n
               FROM (SELECT organization_id, count(*) AS n FROM removed GROUP BY organization_id) r
              WHERE c.organization_id = r.organization_id;
           END IF;
           RETURN NULL;
         END $$`,
      `CREATE TRIGGER savings_portfolios_counted_insert AFTER INSERT ON savings_portfolios
         REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION savings_count_portfolios()`,
      `CREATE TRIGGER savings_portfolios_counted_delete AFTER DELETE ON savings_portfolios
         REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION savings_count_portfolios()`,
      `INSERT INTO savings_portfolio_counts (organization_id, portfolios)
       SELECT organization_id, count(*) FROM savings_portfolios GROUP BY organization_id`,
    ];
    for (const s of statements) await q.query(s);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS savings_portfolios_counted_delete ON savings_portfolios');
    await q.query('DROP TRIGGER IF EXISTS savings_portfolios_counted_insert ON savings_portfolios');
    await q.query('DROP FUNCTION IF EXISTS savings_count_portfolios()');
    await q.query('DROP TABLE IF EXISTS savings_portfolio_counts');
  }
}
