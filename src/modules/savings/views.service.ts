import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { notFound } from '../../common/errors/common.errors';
import { TenantDb } from '../../database/tenant-db';
import type { DayCountBasis } from './accrual';
import { pageCountOf, SavingsPageQuery } from './dto/paging.dto';
import { expectedInterest } from './expected-interest';
import { pageWindow } from './page-window';
import { flagstoneTimestamp, instructionAmountSql, toJsonMoney, utcText } from './formatting';

/** Accounts and pending items are aggregated per portfolio in SQL (json_agg over a lateral join). */
const ACCOUNTS = `
  LEFT JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object(
             'id', a.id::text, 'productId', a.product_id::text, 'productVersion', a.product_version,
             'openedAt', ${utcText('a.opened_at')}, 'maturesAt', ${utcText('a.matures_at')},
             'openingDate', a.opening_date, 'maturityDate', a.maturity_date,
             'amount', a.amount::text, 'interestPaid', a.interest_paid::text, 'interestAccrued', a.interest_accrued::text,
             'grossRate', v.gross_rate::text, 'basis', v.day_count_basis) ORDER BY a.id), '[]') AS accounts
      FROM savings_accounts a
      JOIN savings_product_versions v
        ON v.organization_id = a.organization_id AND v.product_id = a.product_id AND v.version = a.product_version
     WHERE a.organization_id = p.organization_id AND a.portfolio_id = p.id AND a.status <> 'closed'
  ) acc ON true`;

const PENDING = `
  LEFT JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_object(
             'pendingBatchItemId', i.pending_batch_item_id, 'instructionReference', i.instruction_reference,
             'pendingBatchType', i.kind, 'depositAccountId', coalesce(i.account_id::text, ''),
             'productId', i.product_id::text, 'productVersion', i.product_version::text,
             'dateAddedUTC', ${utcText('i.date_added')}, 'dateToBeActionedUTC', ${utcText('i.date_to_be_actioned')},
             'amount', ${instructionAmountSql}) ORDER BY i.id), '[]') AS pending
      FROM savings_instructions i
     WHERE i.organization_id = p.organization_id AND i.portfolio_id = p.id AND i.status = 'Created'
  ) pend ON true`;

/** The number of portfolios, kept by trigger (migration 1763700000032) so no page counts a million rows. */
export const PAGE_COUNT_SQL = `SELECT coalesce((SELECT portfolios FROM savings_portfolio_counts WHERE organization_id = $1), 0)::int AS total`;

/**
 * One page with its accounts and pending items ($1 org, $2 limit, $3 offset). Paging walks only
 * the (organization_id, updated_at, id) index and reads rows for the page alone. `fromEnd` walks
 * that index from the other end, so the last page skips as few entries as the first does.
 */
export const pageSql = (fromEnd: boolean) => {
  const order = fromEnd ? 'updated_at ASC, id ASC' : 'updated_at DESC, id DESC';
  return `WITH ids AS (
   SELECT id FROM savings_portfolios
    WHERE organization_id = $1
    ORDER BY ${order}
    LIMIT $2 OFFSET $3),
 page AS (
   SELECT p.organization_id, p.id, p.version, p.currency_code, p.updated_at, p.client_id
     FROM ids JOIN savings_portfolios p ON p.organization_id = $1 AND p.id = ids.id)
 SELECT p.id, p.version, p.currency_code, c.client_reference, acc.accounts, pend.pending
   FROM page p
   JOIN savings_clients c ON c.organization_id = p.organization_id AND c.id = p.client_id
   ${ACCOUNTS}
   ${PENDING}
  ORDER BY p.updated_at DESC, p.id DESC`;
};

interface AccountJson {
  id: string;
  productId: string;
  productVersion: number;
  openedAt: string;
  maturesAt: string | null;
  openingDate: string;
  maturityDate: string | null;
  amount: string;
  interestPaid: string;
  interestAccrued: string;
  grossRate: string;
  basis: DayCountBasis;
}

interface PendingJson {
  pendingBatchItemId: string;
  instructionReference: string;
  pendingBatchType: string;
  depositAccountId: string;
  productId: string;
  productVersion: string;
  dateAddedUTC: string;
  dateToBeActionedUTC: string;
  amount: string;
}

interface PortfolioRow {
  id: string;
  version: number;
  currency_code: string;
  client_reference: string;
  updated_ms: string;
  accounts: AccountJson[];
  pending?: PendingJson[];
}

function account(a: AccountJson, detailed: boolean) {
  const base = {
    depositAccountId: a.id,
    productId: a.productId,
    productVersionOnAccountOpen: a.productVersion,
    dateAccountOpenedUTC: flagstoneTimestamp(a.openedAt),
    dateAccountMaturesUTC: flagstoneTimestamp(a.maturesAt),
    amount: toJsonMoney(a.amount),
    interestPaidAmount: toJsonMoney(a.interestPaid),
  };
  if (!detailed) return base;
  return {
    ...base,
    interestAccruedAmount: toJsonMoney(a.interestAccrued),
    interestExpectedAmount: toJsonMoney(expectedInterest(a.amount, a.grossRate, a.openingDate, a.maturityDate, a.basis)),
  };
}

const portfolio = (r: PortfolioRow, detailed: boolean) => ({
  portfolioId: r.id,
  portfolioVersion: r.version,
  currencyCode: r.currency_code,
  depositAccounts: r.accounts.map((a) => account(a, detailed)),
});

const pendingItem = (i: PendingJson) => ({
  ...i,
  dateAddedUTC: flagstoneTimestamp(i.dateAddedUTC),
  dateToBeActionedUTC: flagstoneTimestamp(i.dateToBeActionedUTC),
  amount: toJsonMoney(i.amount),
});

@Injectable()
export class SavingsViewsService {
  constructor(private readonly db: TenantDb) {}

  /** One page: the count, then one query that pages portfolios and aggregates their accounts and pending items. */
  page(actor: Actor, q: SavingsPageQuery) {
    return this.db.read(actor.org, async (m) => {
      const [{ total }] = await m.rows<{ total: number }>(PAGE_COUNT_SQL, [actor.org]);
      const w = pageWindow(total, q.PageNumber, q.PageSize);
      const found = w.limit > 0 && w.offset < total ? await m.rows<PortfolioRow>(pageSql(w.fromEnd), [actor.org, w.limit, w.offset]) : [];
      return {
        portfolioInformation: found.map((r) => ({
          clientReference: r.client_reference,
          portfolio: portfolio(r, false),
          pendingPaymentBatchItems: (r.pending ?? []).map(pendingItem),
        })),
        pageNumber: q.PageNumber,
        pageCount: pageCountOf(total, q.PageSize),
        sortOrder: 'updatedDateDesc',
      };
    });
  }

  /** One client's portfolios, and when they last changed (for Last-Modified / If-Modified-Since). */
  client(actor: Actor, clientReference: string, baseUrl: string) {
    return this.db.transaction(actor.org, async (m) => {
      const client = await m.one<{ id: string; created_ms: string }>(`SELECT id, (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms
           FROM savings_clients WHERE organization_id = $1 AND client_reference = $2`,
        [actor.org, clientReference],
      );
      if (!client) throw notFound('Client', clientReference);
      const found = await m.rows<PortfolioRow>(`SELECT p.id, p.version, p.currency_code, $3::text AS client_reference,
                (extract(epoch FROM p.updated_at) * 1000)::bigint::text AS updated_ms, acc.accounts
           FROM savings_portfolios p
           ${ACCOUNTS}
          WHERE p.organization_id = $1 AND p.client_id = $2
          ORDER BY p.currency_code`,
        [actor.org, client.id, clientReference],
      );
      const href = `${baseUrl}/financial-partners/instructions?clientReference=${encodeURIComponent(clientReference)}&status=pending`;
      const lastModifiedMs = Math.max(Number(client.created_ms), ...found.map((r) => Number(r.updated_ms)));
      return {
        lastModifiedMs,
        body: {
          portfolioInformation: found.map((r) => ({
            clientReference,
            portfolio: portfolio(r, true),
            links: [{ rel: 'pendingInstructions', href }],
          })),
        },
      };
    });
  }
}
