import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';
import { LoanLock, LoansRepository, MembershipLoan } from '../loans/loans.repository';
import type { PortfolioRow } from './portfolios.views';
import { PortfolioLock, PortfoliosRepository } from './portfolios.repository';

export interface MembershipLockRequest {
  portfolios: string[];
  portfolioMode: PortfolioLock;
  loans: string[];
  loanMode: LoanLock;
  /** Lock only those of `loans` that are in this portfolio. */
  loansIn?: string;
}

/**
 * The lock order between portfolios and loans, in one place: portfolio rows first, then loan
 * rows, each in id order, so two transactions never wait on each other in a cycle. `lock` is the
 * only code that row-locks both tables. Membership changes and transfers hold their portfolios
 * FOR UPDATE (as a sale does, through `requireActive`); a manual assignment holds its loan's
 * portfolio FOR KEY SHARE, so it waits for a sale of that portfolio (and then sees its 100 %
 * assignments) or runs first (and the sale then sees it). Statements that only write loans
 * (unassign, a whole-portfolio transfer, auto-assign, a sale's inserts) run after their
 * portfolio's lock, so they keep the same order.
 */
@Injectable()
export class MembershipLocks {
  constructor(
    private readonly portfolios: PortfoliosRepository,
    private readonly loans: LoansRepository,
  ) {}

  /** Locks in that order; what is missing is simply absent from the answer, for the caller to judge. */
  async lock(sql: Sql, org: string, req: MembershipLockRequest): Promise<{ portfolios: PortfolioRow[]; loans: MembershipLoan[] }> {
    const portfolios = req.portfolios.length ? await this.portfolios.lock(sql, req.portfolios, req.portfolioMode) : [];
    const loans = req.loans.length ? await this.loans.lock(sql, org, req.loans, req.loanMode, req.loansIn) : [];
    return { portfolios, loans };
  }

  /**
   * One loan, for a change of its assignments: its current portfolio FOR KEY SHARE, then the loan
   * FOR NO KEY UPDATE. `missing` when there is no such loan; `moving` when it changed portfolio
   * between the look and the lock three times running.
   */
  async lockLoan(sql: Sql, org: string, loanId: string): Promise<MembershipLoan | 'missing' | 'moving'> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const peek = await this.loans.portfolioOf(sql, loanId);
      if (!peek) return 'missing';
      const portfolios = peek.portfolio_id ? [peek.portfolio_id] : [];
      const [loan] = (await this.lock(sql, org, { portfolios, portfolioMode: 'KEY SHARE', loans: [loanId], loanMode: 'NO KEY UPDATE' })).loans;
      if (!loan) return 'missing';
      if (loan.portfolio_id === peek.portfolio_id) return loan;
    }
    return 'moving';
  }
}
