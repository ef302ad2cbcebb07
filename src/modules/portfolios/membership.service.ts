import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { missingReference, notFound } from '../../common/errors/common.errors';
import { TenantDb } from '../../database/tenant-db';
import { LoansRepository } from '../loans/loans.repository';
import { MembershipLocks } from './membership-locks';
import { loansInAnotherPortfolio, loansNotInSource, portfolioDynamic, portfolioNotActive, transferToSelf } from './portfolios.errors';
import { assertActive, PortfoliosService } from './portfolios.service';

/** Which loans are in which portfolio. Every change is one set-based statement under row locks. */
@Injectable()
export class MembershipService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
    private readonly locks: MembershipLocks,
    private readonly loans: LoansRepository,
  ) {}

  assign(actor: Actor, portfolioId: string, loanIds: string[]): Promise<{ assigned: number }> {
    const ids = [...new Set(loanIds.map((s) => s.toLowerCase()))];
    return this.db.transaction(actor.org, async (m) => {
      const locked = await this.locks.lock(m, actor.org, { portfolios: [portfolioId], portfolioMode: 'UPDATE', loans: ids, loanMode: 'UPDATE' });
      const p = assertActive(locked.portfolios[0], portfolioId, 'assign loans');
      if (p.portfolio_type === 'dynamic') {
        throw portfolioDynamic();
      }
      // The loans are locked, so a concurrent assignment cannot slip in between the check and the update.
      const found = locked.loans;
      const seen = new Set(found.map((r) => r.id));
      const missing = ids.filter((id) => !seen.has(id));
      if (missing.length) throw missingReference('loan_ids', missing);
      const elsewhere = found.filter((r) => r.portfolio_id && r.portfolio_id !== portfolioId).map((r) => r.id);
      if (elsewhere.length) {
        throw loansInAnotherPortfolio(elsewhere);
      }
      const assigned = await this.loans.assign(m, actor.org, portfolioId, ids);
      await recordAudit(m, actor, {
        action: 'portfolio.assign_loans',
        resourceType: 'portfolio',
        resourceId: portfolioId,
        details: { requested: ids.length, assigned },
      });
      return { assigned };
    });
  }

  unassign(actor: Actor, portfolioId: string, loanId: string): Promise<void> {
    return this.db.transaction(actor.org, async (m) => {
      await this.portfolios.requireActive(m, portfolioId, 'unassign loans');
      const done = await this.loans.unassign(m, actor.org, portfolioId, loanId);
      if (!done) throw notFound('Loan in this portfolio', loanId);
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
    return this.db.transaction(actor.org, async (m) => {
      if (sourceId.toLowerCase() === targetId.toLowerCase()) {
        throw transferToSelf();
      }
      // Both portfolios, then the named loans still in the source, in the one lock order.
      const ids = loanIds && [...new Set(loanIds.map((s) => s.toLowerCase()))];
      const locked = await this.locks.lock(m, actor.org, {
        portfolios: [sourceId, targetId],
        portfolioMode: 'UPDATE',
        loans: ids ?? [],
        loanMode: 'UPDATE',
        loansIn: sourceId,
      });
      // Postgres compares uuids case-blind; these JS comparisons must too.
      const source = locked.portfolios.find((r) => r.id === sourceId.toLowerCase());
      const target = locked.portfolios.find((r) => r.id === targetId.toLowerCase());
      if (!source) throw notFound('Portfolio', sourceId);
      if (!target) throw missingReference('target_portfolio_id', [targetId]);
      if (source.status !== 'active') {
        throw portfolioNotActive(sourceId, source.status, 'transfer');
      }
      if (target.status !== 'active') {
        throw portfolioNotActive(targetId, target.status, 'transfer-target');
      }
      if (ids) {
        const present = new Set(locked.loans.map((r) => r.id));
        const absent = ids.filter((id) => !present.has(id));
        if (absent.length) {
          throw loansNotInSource(absent);
        }
      }
      const moved = await this.loans.move(m, actor.org, sourceId, targetId, ids);
      await recordAudit(m, actor, {
        action: 'portfolio.transfer_loans',
        resourceType: 'portfolio',
        resourceId: sourceId,
        details: { target_portfolio_id: targetId, transferred: moved },
      });
      return { transferred: moved };
    });
  }
}
