import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/auth/actor';
import { conflict, notFound } from '../../common/errors/domain-error';
import { one } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { PORTFOLIO_COLUMNS, PortfolioRow, portfolioView, PortfolioView } from './portfolio.view';

@Injectable()
export class PortfoliosService {
  constructor(private readonly db: TenantDb) {}

  get(actor: Actor, id: string): Promise<PortfolioView> {
    return this.db.run(actor.org, async (m) => portfolioView(await this.require(m, id)));
  }

  /** The portfolio or a 404 (another organization's portfolio is invisible, hence also 404). */
  async require(m: EntityManager, id: string, opts: { lock?: boolean } = {}): Promise<PortfolioRow> {
    const row = await one<PortfolioRow>(
      m,
      `SELECT ${PORTFOLIO_COLUMNS} FROM portfolios WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) throw notFound('Portfolio', id);
    return row;
  }

  /** Locks the portfolio row and checks it may change membership (409 when archived or sold). */
  async requireActive(m: EntityManager, id: string, action: string): Promise<PortfolioRow> {
    const row = await this.require(m, id, { lock: true });
    if (row.status !== 'active') {
      throw conflict('portfolio-not-active', `Cannot ${action}: portfolio ${id} is ${row.status}`, [
        { field: 'status', message: `portfolio is ${row.status}` },
      ]);
    }
    return row;
  }

  /** Records a sale on a portfolio already locked by `requireActive`; returns the new view. */
  async markSold(
    m: EntityManager,
    id: string,
    sale: { investorId: string; saleDate: string; salePrice: string },
  ): Promise<PortfolioView> {
    const row = await one<PortfolioRow>(
      m,
      `UPDATE portfolios SET status = 'sold', investor_id = $2, sold_at = $3, sale_price = $4,
              version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING ${PORTFOLIO_COLUMNS}`,
      [id, sale.investorId, sale.saleDate, sale.salePrice],
    );
    if (!row) throw notFound('Portfolio', id);
    return portfolioView(row);
  }
}
