import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { changedFields, recordAudit } from '../../common/audit/audit';
import { notFound } from '../../common/errors/common.errors';
import { listPage } from '../../common/pagination/list-page';
import { assertVersion } from '../../common/versioning/versioning';
import { Sql, updateVersioned } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import type { CreateInvestorDto, InvestorQuery, UpdateInvestorDto } from './investors.dto';
import { differing } from './patch';
import { INVESTOR_COLUMNS, InvestorRow, investorView } from './investors.views';

const upper = (v: string | null | undefined) => (typeof v === 'string' ? v.toUpperCase() : v);

@Injectable()
export class InvestorsService {
  constructor(private readonly db: TenantDb) {}

  /**
   * The investor or a 404 (another organization's investor is invisible, hence also 404).
   * The lock is NO KEY UPDATE so it serializes writers of this investor (default switching)
   * without blocking the foreign-key checks of assignments being inserted for it.
   */
  async require(m: Sql, id: string, opts: { lock?: boolean } = {}): Promise<InvestorRow> {
    const row = await this.find(m, id, opts);
    if (!row) throw notFound('Investor', id);
    return row;
  }

  /** The investor, or undefined (for callers that answer a missing reference, not a 404). */
  find(m: Sql, id: string, opts: { lock?: boolean } = {}): Promise<InvestorRow | undefined> {
    const lock = opts.lock ? ' FOR NO KEY UPDATE' : '';
    return m.one<InvestorRow>(`SELECT ${INVESTOR_COLUMNS} FROM investors WHERE id = $1${lock}`, [id]);
  }

  create(actor: Actor, dto: CreateInvestorDto) {
    return this.db.transaction(actor.org, async (m) => {
      const row = await m.one<InvestorRow>(`INSERT INTO investors (name, legal_name, investor_type, email, country, status)
         VALUES ($1, $2, $3, $4, $5, coalesce($6, 'active')) RETURNING ${INVESTOR_COLUMNS}`,
        [dto.name, dto.legal_name ?? null, dto.investor_type, dto.email ?? null, upper(dto.country) ?? null, dto.status ?? null],
      );
      const view = investorView(row as InvestorRow);
      const { id: _id, created_at: _c, updated_at: _u, version: _v, ...fields } = view;
      await recordAudit(m, actor, { action: 'investor.create', resourceType: 'investor', resourceId: view.id, changes: changedFields(null, fields) });
      return view;
    });
  }

  get(actor: Actor, id: string) {
    return this.db.transaction(actor.org, async (m) => investorView(await this.require(m, id)));
  }

  list(actor: Actor, q: InvestorQuery, req: FastifyRequest) {
    return this.db.transaction(actor.org, async (m) => {
      const where = new Where().and`organization_id = ${actor.org}`;
      if (q.status !== undefined) where.and`status = ANY(${q.status})`;
      if (q.investor_type !== undefined) where.and`investor_type = ANY(${q.investor_type})`;
      return listPage(m, req, q, { columns: INVESTOR_COLUMNS, from: 'investors', where, orderBy: 'created_at DESC, id' }, investorView);
    });
  }

  update(actor: Actor, id: string, dto: UpdateInvestorDto, ifMatch: number | undefined) {
    return this.db.transaction(actor.org, async (m) => {
      const before = await this.require(m, id, { lock: true });
      assertVersion(before.version, ifMatch);
      const patch = differing(before as unknown as Record<string, unknown>, { ...dto, country: upper(dto.country) });
      if (!Object.keys(patch).length) return investorView(before);
      const after = await updateVersioned<InvestorRow>(m, 'investors', id, patch, INVESTOR_COLUMNS);
      await recordAudit(m, actor, {
        action: 'investor.update',
        resourceType: 'investor',
        resourceId: id,
        changes: changedFields(before as unknown as Record<string, unknown>, patch),
      });
      return investorView(after);
    });
  }
}
