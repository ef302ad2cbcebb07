import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { badRequest, missingReference, notFound } from '../../common/errors/common.errors';
import { Big } from '../../common/money/decimal';
import { countedRows } from '../../common/pagination/list-page';
import { Sql } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import { decimalText } from './dto/decimal-input';
import type { CloseAccountInstructionDto, DepositInstructionDto, InstructionBase, WithdrawalInstructionDto } from './dto/instruction.dto';
import { InstructionListQuery, pageCountOf } from './dto/paging.dto';
import { flagstoneTimestamp, instructionAmountSql, toJsonMoney, utcText } from './formatting';
import {
  accountClosed,
  accountMatured,
  currencyMismatch,
  depositOutsideLimits,
  fixedTermNotMatured,
  instructionNotPending,
  instructionReferenceReused,
} from './savings.errors';

type Kind = 'deposit' | 'withdrawal' | 'close';
type InstructionDto = DepositInstructionDto | WithdrawalInstructionDto | CloseAccountInstructionDto;

/** Every change to an instruction of one reference queues on this lock, so they see each other's rows. */
const lockReference = (m: Sql, org: string, reference: string) =>
  m.exec(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`savings-instruction.${org}.${reference}`]);

interface Target {
  client_id: string;
  product_id: string;
  product_version: number;
  account_id: string | null;
  currency_code: string;
  actioned_at: string;
}

interface InstructionRow {
  instruction_reference: string;
  pending_batch_item_id: string;
  kind: Kind;
  status: string;
  reason: string | null;
  client_reference: string;
  currency_code: string;
  amount: string;
  account_id: string | null;
  product_id: string;
  product_version: number;
  date_added: string;
  date_to_be_actioned: string;
  processed_at: string | null;
  interest_paid: string | null;
}

const instructionView = (r: InstructionRow) => ({
  instructionReference: r.instruction_reference,
  pendingBatchItemId: r.pending_batch_item_id,
  instructionType: r.kind,
  status: r.status,
  reason: r.reason,
  clientReference: r.client_reference,
  currencyCode: r.currency_code,
  amount: toJsonMoney(r.amount),
  depositAccountId: r.account_id ?? '',
  productId: r.product_id,
  productVersion: String(r.product_version),
  dateAddedUTC: flagstoneTimestamp(r.date_added),
  dateToBeActionedUTC: flagstoneTimestamp(r.date_to_be_actioned),
  dateProcessedUTC: flagstoneTimestamp(r.processed_at),
  // A settled close: the interest it paid out (the sub-penny rest was forfeited); null otherwise.
  interestPaidAmount: toJsonMoney(r.interest_paid),
});

const STATUS_OF: Record<string, string> = {
  pending: 'Created',
  created: 'Created',
  processed: 'Processed',
  rejected: 'Rejected',
  reverted: 'Reverted',
};

@Injectable()
export class SavingsInstructionsService {
  constructor(private readonly db: TenantDb) {}

  /**
   * Accepts an instruction. The caller's reference is the idempotency key: the same body again
   * answers as the first time and changes nothing; another body under the same reference is a 409.
   */
  request(actor: Actor, kind: Kind, dto: InstructionDto) {
    const deposit = kind === 'deposit' ? (dto as DepositInstructionDto) : null;
    if (deposit?.productId !== undefined && deposit.depositAccountId !== undefined) {
      throw badRequest('A deposit names either productId (a new account) or depositAccountId (a top-up), not both', [
        { field: 'productId', message: 'give productId or depositAccountId, not both' },
      ]);
    }
    // A close names no amount or currency: it takes the whole balance, in the account's currency.
    const money = kind === 'close' ? null : (dto as InstructionBase);
    const amount = money ? new Big(decimalText(money.amount)).toFixed(2) : null;
    const requestedAt = dto.dateToBeActionedUTC ? new Date(dto.dateToBeActionedUTC) : null;
    if (requestedAt && Number.isNaN(requestedAt.getTime())) {
      throw badRequest('dateToBeActionedUTC is not a valid timestamp', [{ field: 'dateToBeActionedUTC', message: 'not a valid timestamp' }]);
    }
    const fingerprint = JSON.stringify([
      kind,
      dto.clientReference,
      money?.currencyCode ?? null,
      amount,
      deposit?.productId ?? null,
      dto.depositAccountId ?? null,
      requestedAt?.toISOString() ?? null,
    ]);
    const accepted = { instructionReference: dto.instructionReference, status: 'Created' };

    return this.db.transaction(actor.org, async (m) => {
      // Two requests with one reference queue here, so the second sees the first's row.
      await lockReference(m, actor.org, dto.instructionReference);
      const existing = await m.one<{ request_fingerprint: string }>(`SELECT request_fingerprint FROM savings_instructions WHERE organization_id = $1 AND instruction_reference = $2`,
        [actor.org, dto.instructionReference],
      );
      if (existing) {
        if (existing.request_fingerprint === fingerprint) return accepted;
        throw instructionReferenceReused(dto.instructionReference);
      }
      const client = await m.one<{ id: string }>(`SELECT id FROM savings_clients WHERE organization_id = $1 AND client_reference = $2`, [
        actor.org,
        dto.clientReference,
      ]);
      if (!client) throw missingReference('clientReference', [dto.clientReference]);
      const target =
        deposit?.productId !== undefined
          ? await this.newAccountTarget(m, actor.org, client.id, deposit.productId, amount as string, requestedAt)
          : await this.accountTarget(m, actor.org, client.id, kind, dto.depositAccountId as string, amount, requestedAt);
      if (money && target.currency_code !== money.currencyCode) {
        throw currencyMismatch(deposit?.productId !== undefined ? 'product' : 'deposit account', target.currency_code, money.currencyCode);
      }
      // The first instruction in a currency creates the portfolio at version 1; later ones bump it.
      const portfolio = await m.one<{ id: string }>(`INSERT INTO savings_portfolios (client_id, currency_code) VALUES ($1, $2)
         ON CONFLICT (organization_id, client_id, currency_code)
         DO UPDATE SET version = savings_portfolios.version + 1, updated_at = clock_timestamp(), last_run_id = NULL
         RETURNING id`,
        [client.id, target.currency_code],
      );
      const inserted = await m.one<{ id: string }>(`INSERT INTO savings_instructions (instruction_reference, request_fingerprint, kind, client_id, portfolio_id, currency_code,
                                           amount, product_id, product_version, account_id, date_to_be_actioned)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [dto.instructionReference, fingerprint, kind, client.id, portfolio!.id, target.currency_code, amount, target.product_id,
          target.product_version, target.account_id, target.actioned_at],
      );
      await recordAudit(m, actor, {
        action: `savings_instruction.${kind}`,
        resourceType: 'savings_instruction',
        resourceId: dto.instructionReference,
        changes: { kind, amount, clientReference: dto.clientReference, productId: target.product_id, depositAccountId: target.account_id },
        details: { instructionId: inserted!.id },
      });
      return accepted;
    });
  }

  private async newAccountTarget(m: Sql, org: string, clientId: string, productId: string, amount: string, requestedAt: Date | null): Promise<Target> {
    const p = await m.one<Target & { minimum_deposit: string | null; maximum_deposit: string | null }>(`SELECT $3::bigint AS client_id, id AS product_id, current_version AS product_version, NULL AS account_id, currency_code,
              minimum_deposit::text, maximum_deposit::text, greatest(coalesce($4::timestamptz, now()), now()) AS actioned_at
         FROM savings_products WHERE organization_id = $1 AND id = $2`,
      [org, productId, clientId, requestedAt],
    );
    if (!p) throw missingReference('productId', [productId]);
    this.assertLimits(amount, p.minimum_deposit, p.maximum_deposit, '0');
    return p;
  }

  private async accountTarget(
    m: Sql,
    org: string,
    clientId: string,
    kind: Kind,
    accountId: string,
    amount: string | null,
    requestedAt: Date | null,
  ): Promise<Target> {
    const a = await m.one<Target & { status: string; balance: string; not_matured: boolean; product_type: string; maximum_deposit: string | null }>(`SELECT p.client_id, a.product_id, a.product_version, a.id AS account_id, p.currency_code, a.status, a.amount::text AS balance,
              pr.product_type, pr.maximum_deposit::text,
              -- A notice withdrawal (or close) is actioned no earlier than the notice period from now.
              greatest(coalesce($4::timestamptz, now()), now(),
                       CASE WHEN $5 <> 'deposit' THEN now() + make_interval(days => coalesce(v.notice_days, 0)) END) AS actioned_at,
              (a.status = 'open' AND a.matures_at IS NOT NULL
                AND greatest(coalesce($4::timestamptz, now()), now()) < a.matures_at) AS not_matured
         FROM savings_accounts a
         JOIN savings_portfolios p ON p.organization_id = a.organization_id AND p.id = a.portfolio_id
         JOIN savings_products pr ON pr.organization_id = a.organization_id AND pr.id = a.product_id
         JOIN savings_product_versions v
           ON v.organization_id = a.organization_id AND v.product_id = a.product_id AND v.version = a.product_version
        WHERE a.organization_id = $1 AND a.id = $2 AND p.client_id = $3`,
      [org, accountId, clientId, requestedAt, kind],
    );
    if (!a) throw missingReference('depositAccountId', [accountId]);
    if (a.status === 'closed') {
      throw accountClosed(accountId);
    }
    if (kind === 'deposit') {
      if (a.status !== 'open') {
        throw accountMatured(accountId);
      }
      this.assertLimits(amount as string, null, a.maximum_deposit, a.balance);
    } else if (a.not_matured) {
      const what = kind === 'close' ? 'closed' : 'withdrawn from';
      throw fixedTermNotMatured(accountId, what);
    }
    return a;
  }

  /** A new account's deposit must lie within the product's limits; a top-up must keep the balance under the maximum. */
  private assertLimits(amount: string, min: string | null, max: string | null, balance: string) {
    if (min !== null && new Big(amount).lt(min)) {
      throw depositOutsideLimits('below-minimum', min);
    }
    if (max !== null && new Big(amount).plus(balance).gt(max)) {
      throw depositOutsideLimits('above-maximum', max);
    }
  }

  /**
   * Cancels a pending instruction at once: it leaves the pending items and its portfolio's
   * version moves by one. Reverting a reverted one again answers the same; a settled one is a 409.
   */
  revert(actor: Actor, reference: string) {
    const reverted = { instructionReference: reference, status: 'Reverted' };
    return this.db.transaction(actor.org, async (m) => {
      await lockReference(m, actor.org, reference);
      // FOR UPDATE: a settlement run that holds the row finishes first, and then this sees its status.
      const row = await m.one<{ id: string; status: string; portfolio_id: string }>(`SELECT id, status, portfolio_id FROM savings_instructions
          WHERE organization_id = $1 AND instruction_reference = $2 FOR UPDATE`,
        [actor.org, reference],
      );
      if (!row) throw notFound('Instruction', reference);
      if (row.status === 'Reverted') return reverted;
      if (row.status !== 'Created') {
        throw instructionNotPending(reference, row.status);
      }
      await m.exec(`UPDATE savings_instructions SET status = 'Reverted', processed_at = clock_timestamp() WHERE organization_id = $1 AND id = $2`, [
        actor.org,
        row.id,
      ]);
      await m.exec(
        `UPDATE savings_portfolios SET version = version + 1, updated_at = clock_timestamp(), last_run_id = NULL
          WHERE organization_id = $1 AND id = $2`,
        [actor.org, row.portfolio_id],
      );
      await recordAudit(m, actor, {
        action: 'savings_instruction.revert',
        resourceType: 'savings_instruction',
        resourceId: reference,
        changes: { status: 'Reverted' },
        details: { instructionId: row.id },
      });
      return reverted;
    });
  }

  status(actor: Actor, reference: string) {
    return this.db.transaction(actor.org, async (m) => {
      const row = await m.one<{ status: string; reason: string | null }>(`SELECT status, reason FROM savings_instructions WHERE organization_id = $1 AND instruction_reference = $2`,
        [actor.org, reference],
      );
      if (!row) throw notFound('Instruction', reference);
      return { instructionReference: reference, status: row.status, reason: row.reason };
    });
  }

  list(actor: Actor, q: InstructionListQuery) {
    return this.db.transaction(actor.org, async (m) => {
      let clientId: string | null = null;
      if (q.clientReference !== undefined) {
        const c = await m.one<{ id: string }>(`SELECT id FROM savings_clients WHERE organization_id = $1 AND client_reference = $2`, [
          actor.org,
          q.clientReference,
        ]);
        if (!c) throw notFound('Client', q.clientReference);
        clientId = c.id;
      }
      const where = new Where().and`i.organization_id = ${actor.org}`;
      if (clientId !== null) where.and`i.client_id = ${clientId}`;
      if (q.status) where.and`i.status = ${STATUS_OF[q.status]}`;
      const list = {
        columns: `i.instruction_reference, i.pending_batch_item_id, i.kind, i.status, i.reason, c.client_reference, i.currency_code,
          ${instructionAmountSql} AS amount, i.account_id, i.product_id, i.product_version,
          ${utcText('i.date_added')} AS date_added, ${utcText('i.date_to_be_actioned')} AS date_to_be_actioned,
          ${utcText('i.processed_at')} AS processed_at, i.interest_paid::text`,
        from: 'savings_instructions i JOIN savings_clients c ON c.organization_id = i.organization_id AND c.id = i.client_id',
        countFrom: 'savings_instructions i',
        where,
        orderBy: 'i.id DESC',
      };
      const { count, rows } = await countedRows<InstructionRow>(m, list, q.PageSize, (q.PageNumber - 1) * q.PageSize);
      return { instructions: rows.map(instructionView), pageNumber: q.PageNumber, pageCount: pageCountOf(count, q.PageSize) };
    });
  }
}
