import { Injectable, Module } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import { PORTFOLIO_COLUMNS, PortfolioRow } from './portfolios.views';

/** FOR UPDATE to change a portfolio's membership or sell it; FOR KEY SHARE to hold its membership still. */
export type PortfolioLock = 'UPDATE' | 'KEY SHARE';

/**
 * What other modules may ask of `portfolios` (the portfolios module owns the table). A leaf:
 * it needs nothing but the `Sql` it is handed, so the loans module, which the portfolios module
 * imports, can use it without a circular import.
 */
@Injectable()
export class PortfoliosRepository {
  /** Whether the portfolio exists (RLS hides other organizations' portfolios, so theirs do not). */
  async exists(sql: Sql, id: string): Promise<boolean> {
    return Boolean(await sql.one(`SELECT 1 FROM portfolios WHERE id = $1`, [id]));
  }

  /** The portfolio's loan count as the loans triggers keep it; 0 for a portfolio that is not there. */
  async loanCount(sql: Sql, org: string, id: string): Promise<number> {
    const [{ count }] = await sql.rows<{ count: number }>(`SELECT coalesce((SELECT loan_count FROM portfolios WHERE organization_id = $1 AND id = $2), 0)::int AS count`,
      [org, id],
    );
    return count;
  }

  /** The named portfolios, locked in id order (the order every transaction takes them in). */
  lock(sql: Sql, ids: string[], mode: PortfolioLock): Promise<PortfolioRow[]> {
    return sql.rows<PortfolioRow>(`SELECT ${PORTFOLIO_COLUMNS} FROM portfolios WHERE id = ANY($1::uuid[]) ORDER BY id FOR ${mode}`, [ids]);
  }
}

/** Provides and exports `PortfoliosRepository` alone, for modules below the portfolios module. */
@Module({ providers: [PortfoliosRepository], exports: [PortfoliosRepository] })
export class PortfoliosRepositoryModule {}
