import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { recordAudit, changedFields } from '../../common/audit/audit';
import type { Actor } from '../../common/auth/actor';
import { notFound } from '../../common/errors/common.errors';
import { isUuid } from '../../common/ids/uuid';
import { Big } from '../../common/money/decimal';
import { keysetPage, listPage } from '../../common/pagination/list-page';
import { decodeCursor, Page } from '../../common/pagination/pagination';
import { assertVersion } from '../../common/versioning/versioning';
import { Sql, updateVersioned } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { PortfoliosRepository } from '../portfolios/portfolios.repository';
import { CreateLoanDto, UPDATABLE_COLUMNS, UpdateLoanDto } from './loans.dto';
import { LoanListQuery, loanFilters } from './loan-filters';
import { lossViolations, paidOffViolations } from './loan-rules';
import { LOAN_COLUMNS, LoanRow, loanView, LoanView } from './loans.views';
import { duplicateLoanNumber, lossRule, paidOffRule } from './loans.errors';

const CREATE_COLUMNS = ['loan_number', ...UPDATABLE_COLUMNS] as const;
const DECIMAL_COLUMNS = new Set(['original_principal', 'principal_balance', 'interest_rate', 'charged_off_amount', 'recovered_amount']);

/** The §3 and §11 business rules of a whole loan (422). */
function assertLoanRules(l: Parameters<typeof paidOffViolations>[0] & Parameters<typeof lossViolations>[0]): void {
  const broken = paidOffViolations(l);
  if (broken.length) throw paidOffRule(broken);
  const losses = lossViolations(l);
  if (losses.length) throw lossRule(losses);
}

@Injectable()
export class LoansService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosRepository,
  ) {}

  /** `GET /loans`, and `GET /portfolios/{id}/loans` with `portfolioId`. */
  list(actor: Actor, q: LoanListQuery, req: FastifyRequest, opts: { portfolioId?: string } = {}): Promise<Page<LoanView>> {
    return this.db.read(actor.org, (m) => this.listIn(m, actor.org, q, req, opts));
  }

  /** Same, inside a caller's transaction (e.g. after it has checked the portfolio exists). */
  async listIn(m: Sql, org: string, q: LoanListQuery, req: FastifyRequest, opts: { portfolioId?: string } = {}) {
    const where = loanFilters(org, q, opts);
    const list = { columns: LOAN_COLUMNS, from: 'loans', where, orderBy: 'loan_number' };
    if (q.cursor !== undefined) {
      // Keyset on loan_number (unique per organization, indexed with it): every page costs the same.
      if (q.cursor !== '') {
        const [after] = decodeCursor(q.cursor, [(v) => typeof v === 'string']);
        where.and`loan_number > ${after}`;
      }
      return keysetPage(m, req, q, list, loanView, (last: LoanRow) => [last.loan_number]);
    }
    // A portfolio's loans, unfiltered: its kept loan_count answers without counting every row.
    const portfolioId = opts.portfolioId ?? q.portfolio_id;
    const counted = where.size === 2 && portfolioId !== undefined ? () => this.portfolios.loanCount(m, org, portfolioId) : undefined;
    return listPage(m, req, q, { ...list, counted }, loanView);
  }

  get(actor: Actor, id: string): Promise<LoanView> {
    return this.db.read(actor.org, async (m) => loanView(await this.require(m, id)));
  }

  /** The loan or a 404; a malformed id cannot name a loan, so it is a 404 too. */
  async require(m: Sql, id: string, opts: { lock?: boolean } = {}): Promise<LoanRow> {
    const row = isUuid(id)
      ? await m.one<LoanRow>(`SELECT ${LOAN_COLUMNS} FROM loans WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [id])
      : undefined;
    if (!row) throw notFound('Loan', id);
    return row;
  }

  create(actor: Actor, dto: CreateLoanDto): Promise<LoanView> {
    const values = {
      ...dto,
      currency: dto.currency ?? 'USD',
      days_past_due: dto.days_past_due ?? 0,
      status: dto.status ?? 'active',
      maturity_date: dto.maturity_date ?? null,
      next_payment_date: dto.next_payment_date ?? null,
      charged_off_amount: dto.charged_off_amount ?? '0.00',
      recovered_amount: dto.recovered_amount ?? '0.00',
    };
    assertLoanRules(values);
    return this.db.transaction(actor.org, async (m) => {
      const row = await m.one<LoanRow>(`INSERT INTO loans (${CREATE_COLUMNS.join(', ')})
         VALUES (${CREATE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
         ON CONFLICT (organization_id, loan_number) DO NOTHING
         RETURNING ${LOAN_COLUMNS}`,
        CREATE_COLUMNS.map((c) => values[c]),
      );
      if (!row) {
        throw duplicateLoanNumber(dto.loan_number);
      }
      const view = loanView(row);
      await recordAudit(m, actor, {
        action: 'loan.create',
        resourceType: 'loan',
        resourceId: row.id,
        changes: changedFields(null, pick(view, CREATE_COLUMNS)),
      });
      return view;
    });
  }

  /** Partial servicing update. Nothing changed → the loan as it is, same version. */
  update(actor: Actor, id: string, dto: UpdateLoanDto, expectedVersion: number | undefined): Promise<LoanView> {
    return this.db.transaction(actor.org, async (m) => {
      const current = await this.require(m, id, { lock: true });
      assertVersion(current.version, expectedVersion);
      const given = UPDATABLE_COLUMNS.filter((c) => dto[c] !== undefined);
      const merged = { ...current, ...pick(dto, given) } as LoanRow;
      assertLoanRules(merged);
      const changed = given.filter((c) => !sameValue(c, current[c], dto[c]));
      if (!changed.length) return loanView(current);
      const after = loanView(await updateVersioned<LoanRow>(m, 'loans', id, pick(dto, changed), LOAN_COLUMNS));
      await recordAudit(m, actor, {
        action: 'loan.update',
        resourceType: 'loan',
        resourceId: id,
        changes: changedFields(pick(loanView(current), changed), pick(after, changed)),
      });
      return after;
    });
  }
}

function pick<T extends object, K extends string>(o: T, keys: readonly K[]): Record<K, unknown> {
  const out = {} as Record<K, unknown>;
  for (const k of keys) out[k] = (o as Record<string, unknown>)[k];
  return out;
}

/** Decimals compare by value ("8000" equals the stored "8000.00"); everything else exactly. */
function sameValue(column: string, stored: unknown, given: unknown): boolean {
  if (stored === null || given === null) return stored === given;
  if (DECIMAL_COLUMNS.has(column)) return new Big(String(stored)).eq(String(given));
  return String(stored).trim() === String(given);
}
