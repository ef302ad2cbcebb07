import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { changedFields, recordAudit } from '../../common/audit/audit';
import { missingReference, notFound } from '../../common/errors/common.errors';
import { Big, formatMoney } from '../../common/money/decimal';
import { todayUtc } from '../../common/time/today';
import { listPage } from '../../common/pagination/list-page';
import { assertVersion } from '../../common/versioning/versioning';
import { Sql, updateVersioned } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import type { AssignmentQuery, CreateAssignmentDto, UpdateAssignmentDto } from './investors.dto';
import type { MembershipLoan } from '../loans/loans.repository';
import { MembershipLocks } from '../portfolios/membership-locks';
import { assignmentTerminated, instrumentInactive, instrumentNotOfInvestor, investorInactive, loanMoving, ownershipExceeded } from './investors.errors';
import { InvestorsService } from './investors.service';
import { differing } from './patch';
import { ASSIGNMENT_COLUMNS, AssignmentRow, assignmentView } from './investors.views';

@Injectable()
export class AssignmentsService {
  constructor(
    private readonly db: TenantDb,
    private readonly investors: InvestorsService,
    private readonly locks: MembershipLocks,
  ) {}

  async require(m: Sql, id: string, opts: { lock?: boolean } = {}): Promise<AssignmentRow> {
    const lock = opts.lock ? ' FOR NO KEY UPDATE' : '';
    const row = await m.one<AssignmentRow>(`SELECT ${ASSIGNMENT_COLUMNS} FROM loan_assignments WHERE id = $1${lock}`, [id]);
    if (!row) throw notFound('Loan assignment', id);
    return row;
  }

  create(actor: Actor, investorId: string, dto: CreateAssignmentDto) {
    return this.db.transaction(actor.org, async (m) => {
      const investor = await this.investors.require(m, investorId);
      assertInvestorActive(investor.status);
      if (dto.settlement_instrument_id) await assertInstrumentOf(m, dto.settlement_instrument_id, investorId);
      const loan = await lockLoan(this.locks, m, actor.org, dto.loan_id);
      await assertOwnershipFits(m, actor.org, loan.id, dto.ownership_pct, null);
      // Without a price, the buyer pays par for its share of today's balance.
      const price = dto.purchase_price ?? formatMoney(new Big(loan.principal_balance).times(dto.ownership_pct).div(100));
      const row = (await m.one<AssignmentRow>(`INSERT INTO loan_assignments (loan_id, investor_id, ownership_pct, purchase_price, effective_date, settlement_instrument_id)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ASSIGNMENT_COLUMNS}`,
        [loan.id, investorId, dto.ownership_pct, price, dto.effective_date ?? todayUtc(), dto.settlement_instrument_id ?? null],
      )) as AssignmentRow;
      const view = assignmentView(row);
      const { id: _i, created_at: _c, updated_at: _u, version: _v, terminated_at: _t, ...fields } = view;
      await recordAudit(m, actor, { action: 'loan_assignment.create', resourceType: 'loan_assignment', resourceId: row.id, changes: changedFields(null, fields) });
      return view;
    });
  }

  get(actor: Actor, id: string) {
    return this.db.transaction(actor.org, async (m) => assignmentView(await this.require(m, id)));
  }

  list(actor: Actor, investorId: string, q: AssignmentQuery, req: FastifyRequest) {
    return this.db.transaction(actor.org, async (m) => {
      await this.investors.require(m, investorId);
      const where = new Where().and`organization_id = ${actor.org}`.and`investor_id = ${investorId}`;
      if (q.status) where.and`status = ANY(${q.status})`;
      if (q.loan_id) where.and`loan_id = ${q.loan_id}`;
      return listPage(m, req, q, { columns: ASSIGNMENT_COLUMNS, from: 'loan_assignments', where, orderBy: 'created_at, id' }, assignmentView);
    });
  }

  update(actor: Actor, id: string, dto: UpdateAssignmentDto, ifMatch: number | undefined) {
    return this.db.transaction(actor.org, async (m) => {
      const peek = await this.require(m, id);
      // Loan first (as create does), so an ownership change is checked against a stable sum.
      await lockLoan(this.locks, m, actor.org, peek.loan_id);
      const before = await this.require(m, id, { lock: true });
      assertVersion(before.version, ifMatch);
      const current = { ...before, ownership_pct: new Big(before.ownership_pct).toFixed(2), purchase_price: formatMoney(before.purchase_price) };
      const patch: Record<string, unknown> = differing(current, {
        ownership_pct: dto.ownership_pct === undefined ? undefined : new Big(dto.ownership_pct).toFixed(2),
        purchase_price: dto.purchase_price === undefined ? undefined : formatMoney(dto.purchase_price),
        effective_date: dto.effective_date,
        settlement_instrument_id: dto.settlement_instrument_id,
        status: dto.status,
      });
      if (!Object.keys(patch).length) return assignmentView(before);
      if (before.status === 'terminated') {
        throw assignmentTerminated(id);
      }
      if (patch.settlement_instrument_id) await assertInstrumentOf(m, patch.settlement_instrument_id as string, before.investor_id);
      if (patch.ownership_pct !== undefined && patch.status !== 'terminated') {
        await assertOwnershipFits(m, actor.org, before.loan_id, patch.ownership_pct as string, id);
      }
      const terminate = patch.status === 'terminated' ? 'terminated_at = now()' : '';
      const after = await updateVersioned<AssignmentRow>(m, 'loan_assignments', id, patch, ASSIGNMENT_COLUMNS, terminate);
      await recordAudit(m, actor, {
        action: patch.status === 'terminated' ? 'loan_assignment.terminate' : 'loan_assignment.update',
        resourceType: 'loan_assignment',
        resourceId: id,
        changes: changedFields(current, patch),
      });
      return assignmentView(after);
    });
  }
}

/**
 * Locks the loan row so ownership sums on it are serialized, after its portfolio (in the one
 * order `MembershipLocks` keeps): a sale of that portfolio either finishes first, and this
 * request then sees its 100 % assignments, or waits for this one.
 */
async function lockLoan(locks: MembershipLocks, m: Sql, org: string, loanId: string): Promise<MembershipLoan> {
  const loan = await locks.lockLoan(m, org, loanId);
  if (loan === 'missing') throw missingReference('loan_id', [loanId]);
  if (loan === 'moving') throw loanMoving(loanId);
  return loan;
}

async function assertOwnershipFits(m: Sql, org: string, loanId: string, pct: string, exceptId: string | null) {
  const { total } = (await m.one<{ total: string }>(`SELECT coalesce(sum(ownership_pct), 0)::text AS total FROM loan_assignments
      WHERE organization_id = $1 AND loan_id = $2 AND status = 'active' AND ($3::uuid IS NULL OR id <> $3)`,
    [org, loanId, exceptId],
  )) as { total: string };
  if (new Big(total).plus(pct).gt(100)) {
    throw ownershipExceeded(loanId, total, pct);
  }
}

export function assertInvestorActive(status: string) {
  if (status !== 'active') {
    throw investorInactive();
  }
}

/** 422 unless the instrument exists, is active and belongs to the investor. */
export async function assertInstrumentOf(m: Sql, instrumentId: string, investorId: string) {
  const row = await m.one<{ investor_id: string; status: string }>(`SELECT investor_id, status FROM settlement_instruments WHERE id = $1`, [instrumentId]);
  if (!row || row.investor_id !== investorId.toLowerCase()) {
    throw instrumentNotOfInvestor(instrumentId, investorId);
  }
  if (row.status !== 'active') {
    throw instrumentInactive(instrumentId);
  }
}
