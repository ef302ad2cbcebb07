import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { changedFields, recordAudit } from '../../common/audit/audit';
import { badRequest, notFound } from '../../common/errors/common.errors';
import { listPage } from '../../common/pagination/list-page';
import { assertVersion } from '../../common/versioning/versioning';
import { isUniqueViolation } from '../../database/pg-errors';
import { Sql } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import { LoanListQuery } from '../loans/loan-filters';
import { LoansService } from '../loans/loans.service';
import { Criteria, hasCriteria } from './criteria';
import { criteriaRangeErrors } from './criteria-rules';
import { CreatePortfolioDto, ListPortfoliosQuery, UpdatePortfolioDto } from './portfolios.dto';
import { PORTFOLIO_COLUMNS, PortfolioRow, portfolioView, PortfolioView } from './portfolios.views';
import {
  MembershipAction,
  portfolioArchived,
  portfolioNameTaken,
  portfolioNotActive,
  portfolioNotArchived,
  portfolioSold,
} from './portfolios.errors';

/** Criteria as stored: only the keys given, in a stable order. */
function cleanCriteria(c: Criteria | null | undefined): Criteria | null {
  if (!c) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (v !== undefined && v !== null) out[k] = v;
  return Object.keys(out).length ? (out as Criteria) : null;
}

function checkCriteria(type: 'static' | 'dynamic', criteria: Criteria | null): void {
  if (type === 'dynamic' && !hasCriteria(criteria)) {
    throw badRequest('A dynamic portfolio needs non-empty criteria', [
      { field: 'criteria', message: 'required and non-empty for a dynamic portfolio' },
    ]);
  }
  const errors = criteria ? criteriaRangeErrors(criteria) : [];
  if (errors.length) throw badRequest('criteria ranges are inverted', errors);
}

/** The portfolio, if it may change membership: 404 when it is not there, 409 when archived or sold. */
export function assertActive(row: PortfolioRow | undefined, id: string, action: MembershipAction): PortfolioRow {
  if (!row) throw notFound('Portfolio', id);
  if (row.status !== 'active') throw portfolioNotActive(id, row.status, action);
  return row;
}

@Injectable()
export class PortfoliosService {
  constructor(
    private readonly db: TenantDb,
    private readonly loansService: LoansService,
  ) {}

  list(actor: Actor, q: ListPortfoliosQuery, req: FastifyRequest) {
    const where = new Where().and`organization_id = ${actor.org}`;
    if (q.status) where.and`status = ANY(${q.status})`;
    else if (!q.include_archived) where.and`status <> 'archived'`;
    if (q.portfolio_type) where.and`portfolio_type = ANY(${q.portfolio_type})`;
    const list = { columns: PORTFOLIO_COLUMNS, from: 'portfolios', where, orderBy: 'created_at DESC, id' };
    return this.db.read(actor.org, (m) => listPage(m, req, q, list, portfolioView));
  }

  get(actor: Actor, id: string): Promise<PortfolioView> {
    return this.db.read(actor.org, async (m) => portfolioView(await this.require(m, id)));
  }

  /** The portfolio's loans (404 when the portfolio is not the caller's). */
  loans(actor: Actor, id: string, q: LoanListQuery, req: FastifyRequest) {
    return this.db.read(actor.org, async (m) => {
      await this.require(m, id);
      return this.loansService.listIn(m, actor.org, q, req, { portfolioId: id });
    });
  }

  async create(actor: Actor, dto: CreatePortfolioDto): Promise<PortfolioView> {
    const criteria = cleanCriteria(dto.criteria);
    checkCriteria(dto.portfolio_type, criteria);
    try {
      return await this.db.transaction(actor.org, async (m) => {
        const row = (await m.one<PortfolioRow>(`INSERT INTO portfolios (name, description, portfolio_type, criteria)
           VALUES ($1, $2, $3, $4) RETURNING ${PORTFOLIO_COLUMNS}`,
          [dto.name, dto.description ?? null, dto.portfolio_type, criteria ? JSON.stringify(criteria) : null],
        )) as PortfolioRow;
        await recordAudit(m, actor, {
          action: 'portfolio.create',
          resourceType: 'portfolio',
          resourceId: row.id,
          changes: changedFields(null, { name: row.name, description: row.description, portfolio_type: row.portfolio_type, criteria }),
        });
        return portfolioView(row);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'portfolios_name_live')) throw portfolioNameTaken({ name: dto.name });
      throw err;
    }
  }

  async update(actor: Actor, id: string, dto: UpdatePortfolioDto, ifMatch: number | undefined): Promise<PortfolioView> {
    try {
      return await this.db.transaction(actor.org, async (m) => {
        const before = await this.require(m, id, { lock: true });
        assertVersion(before.version, ifMatch);
        if (before.status === 'archived') {
          throw portfolioArchived(id);
        }
        const criteria = dto.criteria === undefined ? before.criteria : cleanCriteria(dto.criteria);
        if (dto.criteria !== undefined) {
          if (before.status === 'sold') {
            throw portfolioSold(id);
          }
          checkCriteria(before.portfolio_type, criteria as Criteria | null);
        }
        const next = {
          name: dto.name ?? before.name,
          description: dto.description === undefined ? before.description : dto.description,
          criteria,
        };
        const changes = changedFields(
          { name: before.name, description: before.description, criteria: before.criteria },
          next,
        );
        if (!Object.keys(changes).length) return portfolioView(before);
        const row = (await m.one<PortfolioRow>(`UPDATE portfolios SET name = $2, description = $3, criteria = $4, version = version + 1, updated_at = now()
            WHERE id = $1 RETURNING ${PORTFOLIO_COLUMNS}`,
          [id, next.name, next.description, next.criteria ? JSON.stringify(next.criteria) : null],
        )) as PortfolioRow;
        await recordAudit(m, actor, { action: 'portfolio.update', resourceType: 'portfolio', resourceId: id, changes });
        return portfolioView(row);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'portfolios_name_live')) throw portfolioNameTaken({ name: dto.name ?? '' });
      throw err;
    }
  }

  /** Soft delete: loans stay assigned and frozen. */
  archive(actor: Actor, id: string, ifMatch: number | undefined): Promise<PortfolioView> {
    return this.db.transaction(actor.org, async (m) => {
      const before = await this.require(m, id, { lock: true });
      assertVersion(before.version, ifMatch);
      if (before.status !== 'active') {
        throw portfolioNotActive(id, before.status, 'archive');
      }
      return this.setStatus(m, actor, id, 'archived');
    });
  }

  async unarchive(actor: Actor, id: string): Promise<PortfolioView> {
    try {
      return await this.db.transaction(actor.org, async (m) => {
        const before = await this.require(m, id, { lock: true });
        if (before.status !== 'archived') {
          throw portfolioNotArchived(id, before.status);
        }
        return await this.setStatus(m, actor, id, 'active');
      });
    } catch (err) {
      if (isUniqueViolation(err, 'portfolios_name_live')) {
        throw portfolioNameTaken('unarchive');
      }
      throw err;
    }
  }

  /** Archive or unarchive (the caller has checked the current status), audited as one event. */
  private async setStatus(m: Sql, actor: Actor, id: string, status: 'active' | 'archived'): Promise<PortfolioView> {
    const row = await m.one<PortfolioRow>(`UPDATE portfolios SET status = $2, archived_at = CASE WHEN $2 = 'archived' THEN now() END,
              version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING ${PORTFOLIO_COLUMNS}`,
      [id, status],
    );
    const from = status === 'archived' ? 'active' : 'archived';
    await recordAudit(m, actor, {
      action: status === 'archived' ? 'portfolio.archive' : 'portfolio.unarchive',
      resourceType: 'portfolio',
      resourceId: id,
      changes: { status: { from, to: status } },
    });
    return portfolioView(row as PortfolioRow);
  }

  /** The portfolio or a 404 (another organization's portfolio is invisible, hence also 404). */
  async require(m: Sql, id: string, opts: { lock?: boolean } = {}): Promise<PortfolioRow> {
    const row = await m.one<PortfolioRow>(`SELECT ${PORTFOLIO_COLUMNS} FROM portfolios WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) throw notFound('Portfolio', id);
    return row;
  }

  /** Locks the portfolio row and checks it may change membership (409 when archived or sold). */
  async requireActive(m: Sql, id: string, action: MembershipAction): Promise<PortfolioRow> {
    return assertActive(await this.require(m, id, { lock: true }), id, action);
  }

  /** Records a sale on a portfolio already locked by `requireActive`; returns the new view. */
  async markSold(
    m: Sql,
    id: string,
    sale: { investorId: string; saleDate: string; salePrice: string },
  ): Promise<PortfolioView> {
    const row = await m.one<PortfolioRow>(`UPDATE portfolios SET status = 'sold', investor_id = $2, sold_at = $3, sale_price = $4,
              version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING ${PORTFOLIO_COLUMNS}`,
      [id, sale.investorId, sale.saleDate, sale.salePrice],
    );
    if (!row) throw notFound('Portfolio', id);
    return portfolioView(row);
  }
}
