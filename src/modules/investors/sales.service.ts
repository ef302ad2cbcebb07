import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { missingReference } from '../../common/errors/common.errors';
import { TenantDb } from '../../database/tenant-db';
import { LoansRepository } from '../loans/loans.repository';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { assertInstrumentOf, assertInvestorActive } from './assignments.service';
import type { SellPortfolioDto } from './investors.dto';
import { loansAlreadyAssigned, portfolioEmpty } from './investors.errors';
import { InvestorsService } from './investors.service';

const NAMED_LIMIT = 100;

@Injectable()
export class SalesService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
    private readonly investors: InvestorsService,
    private readonly loans: LoansRepository,
  ) {}

  /**
   * Sells every loan of the portfolio to one investor in one transaction: one set-based INSERT
   * of 100 % assignments priced at round(balance × price_pct / 100, 2), then the portfolio is
   * marked sold with the sum of those rounded prices. Postgres `round(numeric, 2)` rounds half
   * away from zero, which is half-up for these non-negative amounts.
   */
  sell(actor: Actor, portfolioId: string, dto: SellPortfolioDto) {
    return this.db.transaction(actor.org, async (m) => {
      const portfolio = await this.portfolios.requireActive(m, portfolioId, 'sell');
      const investor = await this.investors.find(m, dto.investor_id);
      if (!investor) throw missingReference('investor_id', [dto.investor_id]);
      assertInvestorActive(investor.status);
      if (dto.settlement_instrument_id) await assertInstrumentOf(m, dto.settlement_instrument_id, dto.investor_id);
      if (portfolio.loan_count === 0) throw portfolioEmpty(portfolioId);

      // Membership cannot change under us: the portfolio row is locked by requireActive.
      const members = this.loans.ofPortfolio('$1', '$2');
      const taken = await m.rows<{ id: string }>(`SELECT l.id FROM ${members} l
          WHERE EXISTS (SELECT 1 FROM loan_assignments a
                         WHERE a.organization_id = $1 AND a.loan_id = l.id AND a.status = 'active')
          ORDER BY l.id LIMIT ${NAMED_LIMIT + 1}`,
        [actor.org, portfolioId],
      );
      if (taken.length) {
        const ids = taken.slice(0, NAMED_LIMIT).map((r) => r.id);
        throw loansAlreadyAssigned(portfolioId, ids, taken.length > NAMED_LIMIT);
      }

      const sold = (await m.one<{ n: number; total: string }>(`WITH ins AS (
           INSERT INTO loan_assignments (loan_id, investor_id, ownership_pct, purchase_price, effective_date, settlement_instrument_id)
           SELECT l.id, $3, 100, round(l.principal_balance * $4::numeric / 100, 2), $5, $6
             FROM ${members} l
           RETURNING purchase_price)
         SELECT count(*)::int AS n, coalesce(sum(purchase_price), 0)::text AS total FROM ins`,
        [actor.org, portfolioId, dto.investor_id, dto.price_pct, dto.sale_date, dto.settlement_instrument_id ?? null],
      )) as { n: number; total: string };
      if (sold.n === 0) throw portfolioEmpty(portfolioId);

      const view = await this.portfolios.markSold(m, portfolioId, { investorId: dto.investor_id, saleDate: dto.sale_date, salePrice: sold.total });
      await recordAudit(m, actor, {
        action: 'portfolio.sell',
        resourceType: 'portfolio',
        resourceId: portfolioId,
        changes: { status: { from: 'active', to: 'sold' } },
        details: {
          investor_id: dto.investor_id,
          sale_date: dto.sale_date,
          price_pct: dto.price_pct,
          settlement_instrument_id: dto.settlement_instrument_id ?? null,
          loan_count: sold.n,
          assignments_created: sold.n,
          sale_price: view.sale_price,
        },
      });
      return view;
    });
  }
}
