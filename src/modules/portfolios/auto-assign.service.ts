import { Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { Sql } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { EnqueuedJob, JobProducer } from '../../jobs/job-producer';
import { QUEUES } from '../../jobs/queues';
import { LoansRepository } from '../loans/loans.repository';
import { Criteria, criteriaSql, hasCriteria } from './criteria';
import { portfolioNotActive, portfolioWithoutCriteria } from './portfolios.errors';
import { PortfoliosService } from './portfolios.service';

/**
 * Assigns every unassigned loan that matches a portfolio's criteria, in one UPDATE.
 * Racing runs cannot double-assign: `portfolio_id IS NULL` is re-checked on each row after
 * any concurrent writer commits (READ COMMITTED re-evaluation), so a loan goes to whichever
 * run locks it first. Loans that stop matching later stay where they are.
 */
export interface PortfolioFailure {
  portfolio_id: string;
  reason: string;
}

/** No SQLSTATE (socket gone) or class 08 / admin shutdown: the database, not the criteria. */
const isConnectionLoss = (err: unknown): boolean => {
  const code = (err as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (err as { code?: unknown })?.code;
  return typeof code !== 'string' || /^(08|57P0|E[A-Z]+$)/.test(code);
};

const failureReason = (err: unknown): string => `criteria cannot be evaluated: ${String((err as Error)?.message ?? err).slice(0, 200)}`;

@Injectable()
export class AutoAssignService {
  private readonly logger = new Logger(AutoAssignService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
    private readonly producer: JobProducer,
    private readonly loans: LoansRepository,
  ) {}

  /** Checks the request now (404/409/422), then hands the work to a job. */
  async request(actor: Actor, portfolioId: string): Promise<EnqueuedJob> {
    this.producer.assertReady();
    const job = await this.db.transaction(actor.org, async (m) => {
      const p = await this.portfolios.require(m, portfolioId);
      if (p.status !== 'active') {
        throw portfolioNotActive(portfolioId, p.status, 'auto-assign');
      }
      if (!hasCriteria(p.criteria as Criteria | null)) {
        throw portfolioWithoutCriteria();
      }
      return this.producer.record(m, QUEUES.autoAssign, 'auto-assign', actor, { portfolioId }, { dedupKey: portfolioId });
    });
    return this.producer.submit(job);
  }

  /** The job: assign matching loans to one portfolio. Re-running is harmless. */
  assignPortfolio(actor: Actor, portfolioId: string): Promise<{ assigned: number }> {
    return this.db.transaction(actor.org, async (m) => {
      const p = await m.one<{ status: string; criteria: Criteria | null }>(`SELECT status, criteria FROM portfolios WHERE id = $1 FOR SHARE`,
        [portfolioId],
      );
      // Archived, sold or removed since the request: nothing to do, not a failure to retry.
      if (!p || p.status !== 'active' || !hasCriteria(p.criteria)) return { assigned: 0 };
      const assigned = await this.assignMatching(m, actor.org, portfolioId, p.criteria);
      await recordAudit(m, actor, {
        action: 'portfolio.auto_assign',
        resourceType: 'portfolio',
        resourceId: portfolioId,
        details: { assigned },
      });
      return { assigned };
    });
  }

  /**
   * Every active dynamic portfolio of the organization, oldest first (after imports and hourly).
   * Each portfolio runs in its own savepoint: criteria the database refuses at run time (say a
   * row written before today's bounds) fail that portfolio alone, are reported in the result,
   * and the others still assign. A lost connection is not a portfolio's fault and fails the job.
   */
  runDynamic(actor: Actor): Promise<{ portfolios: number; assigned: number; failed: PortfolioFailure[] }> {
    return this.db.transaction(actor.org, async (m) => {
      const dynamic = await m.rows<{ id: string; criteria: Criteria }>(`SELECT id, criteria FROM portfolios
          WHERE organization_id = $1 AND portfolio_type = 'dynamic' AND status = 'active'
          ORDER BY created_at, id FOR SHARE`,
        [actor.org],
      );
      let assigned = 0;
      const failed: PortfolioFailure[] = [];
      for (const p of dynamic) {
        if (!hasCriteria(p.criteria)) continue;
        await m.exec('SAVEPOINT auto_assign_portfolio');
        try {
          assigned += await this.assignMatching(m, actor.org, p.id, p.criteria);
          await m.exec('RELEASE SAVEPOINT auto_assign_portfolio');
        } catch (err) {
          if (isConnectionLoss(err)) throw err;
          await m.exec('ROLLBACK TO SAVEPOINT auto_assign_portfolio');
          failed.push({ portfolio_id: p.id, reason: failureReason(err) });
        }
      }
      if (failed.length) this.logger.warn({ org: actor.org, failed }, 'auto-assign skipped portfolios whose criteria failed');
      if (assigned || failed.length) {
        await recordAudit(m, actor, {
          action: 'portfolio.auto_assign_dynamic',
          resourceType: 'portfolio',
          details: { portfolios: dynamic.length, assigned, failed: failed.length },
        });
      }
      return { portfolios: dynamic.length, assigned, failed };
    });
  }

  private assignMatching(m: Sql, org: string, portfolioId: string, criteria: Criteria): Promise<number> {
    return this.loans.assignWhere(m, org, portfolioId, (params) => criteriaSql(criteria, params));
  }
}
