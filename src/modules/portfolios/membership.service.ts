import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { missingReference, notFound } from '../../common/errors/common.errors';
import { TenantDb } from '../../database/tenant-db';
import { loansInAnotherPortfolio, loansNotInSource, portfolioDynamic, portfolioNotActive, transferToSelf } from './portfolios.errors';
import { PortfoliosService } from './portfolios.service';

/** Which loans are in which portfolio. Every change is one set-based statement under row locks. */
@Injectable()
export class MembershipService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
  ) {}

  assign(actor: Actor, portfolioId: string, loanIds: string[]): Promise<{ assigned: number }> {
    const ids = [...new Set(loanIds.map((s) => s.toLowerCase()))];
    return this.db.run(actor.org, async (m) => {
      const p = await this.portfolios.requireActive(m, portfolioId, 'assign loans');
      if (p.portfolio_type === 'dynamic') {
        throw portfolioDynamic();
      }
      // Lock the loans so a concurrent assignment cannot slip in between the check and the update.
      const found = await m.rows<{ id: string; portfolio_id: string | null }>(`SELECT id, portfolio_id FROM loans WHERE organization_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
        [actor.org, ids],
      );
      const seen = new Set(found.map((r) => r.id));
      const missing = ids.filter((id) => !seen.has(id));
      if (missing.length) throw missingReference('loan_ids', missing);
      const elsewhere = found.filter((r) => r.portfolio_id && r.portfolio_id !== portfolioId).map((r) => r.id);
      if (elsewhere.length) {
        throw loansInAnotherPortfolio(elsewhere);
      }
      const assigned = await m.rows(`UPDATE loans SET portfolio_id = $2, version = version + 1, updated_at = now()
          WHERE organization_id = $1 AND id = ANY($3::uuid[]) AND portfolio_id IS NULL RETURNING id`,
        [actor.org, portfolioId, ids],
      );
      await recordAudit(m, actor, {
        action: 'portfolio.assign_loans',
        resourceType: 'portfolio',
        resourceId: portfolioId,
        details: { requested: ids.length, assigned: assigned.length },
      });
      return { assigned: assigned.length };
    });
  }

  unassign(actor: Actor, portfolioId: string, loanId: string): Promise<void> {
    return this.db.run(actor.org, async (m) => {
      await this.portfolios.requireActive(m, portfolioId, 'unassign loans');
      const done = await m.rows(`UPDATE loans SET portfolio_id = NULL, version = version + 1, updated_at = now()
          WHERE organization_id = $1 AND id = $2 AND portfolio_id = $3 RETURNING id`,
        [actor.org, loanId, portfolioId],
      );
      if (!done.length) throw notFound('Loan in this portfolio', loanId);
      await recordAudit(m, actor, {
        action: 'portfolio.unassign_loan',
        resourceType: 'portfolio',
        resourceId: portfolioId,
        details: { loan_id: loanId },
      });
    });
  }

  /** All or nothing: every named loan moves, or none does. */
  transfer(actor: Actor, sourceId: string, targetId: string, loanIds?: string[]): Promise<{ transferred: number }> {
    return this.db.run(actor.org, async (m) => {
      if (sourceId.toLowerCase() === targetId.toLowerCase()) {
        throw transferToSelf();
      }
      // Lock both portfolios in id order so two opposite transfers cannot deadlock.
      const [first, second] = [sourceId, targetId].sort();
      const locked = await m.rows<{ id: string; status: string }>(`SELECT id, status FROM portfolios WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [[first, second]],
      );
      const source = locked.find((r) => r.id === sourceId);
      const target = locked.find((r) => r.id === targetId);
      if (!source) throw notFound('Portfolio', sourceId);
      if (!target) throw missingReference('target_portfolio_id', [targetId]);
      if (source.status !== 'active') {
        throw portfolioNotActive(sourceId, source.status, 'transfer');
      }
      if (target.status !== 'active') {
        throw portfolioNotActive(targetId, target.status, 'transfer-target');
      }
      let moved: unknown[];
      if (loanIds) {
        const ids = [...new Set(loanIds.map((s) => s.toLowerCase()))];
        const inSource = await m.rows<{ id: string }>(`SELECT id FROM loans WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND portfolio_id = $3 ORDER BY id FOR UPDATE`,
          [actor.org, ids, sourceId],
        );
        const present = new Set(inSource.map((r) => r.id));
        const absent = ids.filter((id) => !present.has(id));
        if (absent.length) {
          throw loansNotInSource(absent);
        }
        moved = await m.rows(`UPDATE loans SET portfolio_id = $3, version = version + 1, updated_at = now()
            WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND portfolio_id = $4 RETURNING id`,
          [actor.org, ids, targetId, sourceId],
        );
      } else {
        moved = await m.rows(`UPDATE loans SET portfolio_id = $2, version = version + 1, updated_at = now()
            WHERE organization_id = $1 AND portfolio_id = $3 RETURNING id`,
          [actor.org, targetId, sourceId],
        );
      }
      await recordAudit(m, actor, {
        action: 'portfolio.transfer_loans',
        resourceType: 'portfolio',
        resourceId: sourceId,
        details: { target_portfolio_id: targetId, transferred: moved.length },
      });
      return { transferred: moved.length };
    });
  }
}
