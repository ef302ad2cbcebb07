import { Injectable } from '@nestjs/common';
import { BUMP_VERSION, type Sql } from '../../database/sql';

export interface MembershipLoan {
  id: string;
  portfolio_id: string | null;
  principal_balance: string;
}

export type LoanLock = 'UPDATE' | 'NO KEY UPDATE';

/**
 * What other modules may do with `loans` (the loans module owns the table): move loans between
 * portfolios, lock them for that, and select a portfolio's loans inside their own set-based
 * statements. Row locks on loans are taken only after the portfolio's (`MembershipLocks` in the
 * portfolios module holds that order); these functions do not lock portfolios themselves. Every
 * membership write bumps the loan's version, as every other change of the loan does.
 */
@Injectable()
export class LoansRepository {
  /**
   * The named loans locked in id order, optionally only those in `inPortfolio`. NO KEY UPDATE
   * serializes the ownership sums on a loan without blocking the foreign-key checks of
   * assignments being inserted for it; UPDATE is for changing its portfolio.
   */
  lock(sql: Sql, org: string, ids: string[], mode: LoanLock, inPortfolio?: string): Promise<MembershipLoan[]> {
    const scope = inPortfolio === undefined ? '' : ' AND portfolio_id = $3';
    return sql.rows<MembershipLoan>(`SELECT id, portfolio_id, principal_balance FROM loans
        WHERE organization_id = $1 AND id = ANY($2::uuid[])${scope} ORDER BY id FOR ${mode}`,
      inPortfolio === undefined ? [org, ids] : [org, ids, inPortfolio],
    );
  }

  /** The loan's portfolio as last committed, unlocked: which portfolio to lock first. */
  async portfolioOf(sql: Sql, id: string): Promise<{ portfolio_id: string | null } | undefined> {
    return sql.one<{ portfolio_id: string | null }>(`SELECT portfolio_id FROM loans WHERE id = $1`, [id]);
  }

  /** Puts the named unassigned loans in the portfolio; returns how many moved. */
  async assign(sql: Sql, org: string, portfolioId: string, ids: string[]): Promise<number> {
    return sql.exec(`UPDATE loans SET portfolio_id = $2, ${BUMP_VERSION}
        WHERE organization_id = $1 AND id = ANY($3::uuid[]) AND portfolio_id IS NULL`,
      [org, portfolioId, ids],
    );
  }

  /** Takes one loan out of the portfolio; 0 when it was not in it. */
  unassign(sql: Sql, org: string, portfolioId: string, id: string): Promise<number> {
    return sql.exec(`UPDATE loans SET portfolio_id = NULL, ${BUMP_VERSION} WHERE organization_id = $1 AND id = $2 AND portfolio_id = $3`,
      [org, id, portfolioId],
    );
  }

  /** Moves the named loans (every loan when `ids` is undefined) still in `from` to `to`. */
  move(sql: Sql, org: string, from: string, to: string, ids?: string[]): Promise<number> {
    return ids
      ? sql.exec(`UPDATE loans SET portfolio_id = $3, ${BUMP_VERSION} WHERE organization_id = $1 AND id = ANY($2::uuid[]) AND portfolio_id = $4`,
          [org, ids, to, from],
        )
      : sql.exec(`UPDATE loans SET portfolio_id = $2, ${BUMP_VERSION} WHERE organization_id = $1 AND portfolio_id = $3`, [org, to, from]);
  }

  /**
   * Puts every unassigned loan matching `where` in the portfolio, in one UPDATE; returns how
   * many moved. `where` gets the parameter list (`$1` organization, `$2` portfolio) to append
   * its own values to, and writes its conditions over the loan aliased `l`.
   */
  async assignWhere(sql: Sql, org: string, portfolioId: string, where: (params: unknown[]) => string): Promise<number> {
    const params: unknown[] = [org, portfolioId];
    const predicate = where(params);
    const [{ count }] = await sql.rows<{ count: number }>(`WITH moved AS (
         UPDATE loans l SET portfolio_id = $2, version = l.version + 1, updated_at = now()
          WHERE l.organization_id = $1 AND l.portfolio_id IS NULL AND ${predicate}
         RETURNING 1)
       SELECT count(*)::int AS count FROM moved`,
      params,
    );
    return count;
  }

  /**
   * A portfolio's loans (id, principal_balance) as a relation for another module's set-based
   * statement, e.g. `FROM ${loans.ofPortfolio('$1', '$2')} l`; `org` and `portfolio` name
   * that statement's parameters.
   */
  ofPortfolio(org: string, portfolio: string): string {
    return `(SELECT id, principal_balance FROM loans WHERE organization_id = ${org} AND portfolio_id = ${portfolio})`;
  }
}
