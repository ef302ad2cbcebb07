import { Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { systemActor } from '../../common/auth/actor';
import { JobProducer } from '../../jobs/job-producer';
import { one, rows } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';

/**
 * Catch-up accrual for every open account of the organization, in one statement:
 * every day in [accrued_until, min(business date, maturity)) accrues at that day's balance
 * (read from the dated movements), rounded to 10 dp half-up. On each payment date the running
 * total is paid rounded down to the penny — paying floor(S) in total at the last payment date
 * equals paying floor(carried + accrued) at each date in turn (see accrual.ts). At maturity
 * the final payment rounds half-up and the account matures. accrued_until moves in the same
 * UPDATE, and the UPDATE re-checks it, so a retried or concurrent run never accrues a day twice.
 * Each touched portfolio's version goes up once.
 */
const ACCRUAL_SQL = `
WITH acc AS (
  SELECT a.id, a.portfolio_id, a.opening_date, a.maturity_date, a.accrued_until, a.interest_accrued,
         v.gross_rate, v.interest_paid_at,
         CASE v.day_count_basis WHEN 'ACT/360' THEN 360 ELSE 365 END AS diy,
         CASE WHEN a.maturity_date IS NOT NULL AND a.maturity_date <= $2::date THEN a.maturity_date ELSE $2::date END AS upto
    FROM savings_accounts a
    JOIN savings_product_versions v
      ON v.organization_id = a.organization_id AND v.product_id = a.product_id AND v.version = a.product_version
   WHERE a.organization_id = $1 AND a.status = 'open'
     AND (a.accrued_until < $2::date OR a.maturity_date <= $2::date)
),
days AS (
  SELECT acc.id, g.day,
         round(coalesce(b.balance, 0) * acc.gross_rate / acc.diy, 10) AS amt,
         (acc.maturity_date IS NULL OR g.day + 1 < acc.maturity_date)
           AND savings_is_payment_date(acc.opening_date, g.day + 1, acc.interest_paid_at) AS pay_after
    FROM acc
    CROSS JOIN LATERAL (SELECT d::date AS day FROM generate_series(acc.accrued_until, acc.upto - 1, interval '1 day') d) g
    CROSS JOIN LATERAL (
      SELECT sum(mv.amount) AS balance FROM savings_movements mv
       WHERE mv.organization_id = $1 AND mv.account_id = acc.id AND mv.effective_date <= g.day) b
),
running AS (
  SELECT id, amt, pay_after, sum(amt) OVER (PARTITION BY id ORDER BY day) AS cum FROM days
),
per_account AS (
  SELECT acc.id, acc.accrued_until, acc.upto,
         acc.maturity_date IS NOT NULL AND acc.upto = acc.maturity_date AS maturing,
         acc.interest_accrued + coalesce(sum(r.amt), 0) AS accrued_total,
         acc.interest_accrued + coalesce(max(r.cum) FILTER (WHERE r.pay_after), 0) AS at_last_payment,
         coalesce(bool_or(r.pay_after), false) AS has_payment
    FROM acc LEFT JOIN running r ON r.id = acc.id
   GROUP BY acc.id, acc.accrued_until, acc.upto, acc.maturity_date, acc.interest_accrued
),
settled AS (
  SELECT id, accrued_until, upto, maturing, accrued_total,
         CASE WHEN maturing THEN round(accrued_total, 2)
              WHEN has_payment THEN trunc(at_last_payment, 2)
              ELSE 0 END AS paid
    FROM per_account
),
upd AS (
  UPDATE savings_accounts a
     SET interest_accrued = CASE WHEN s.maturing THEN 0 ELSE s.accrued_total - s.paid END,
         interest_paid = a.interest_paid + s.paid,
         accrued_until = s.upto,
         status = CASE WHEN NOT s.maturing THEN a.status WHEN a.amount = 0 THEN 'closed' ELSE 'matured' END,
         updated_at = clock_timestamp()
    FROM settled s
   WHERE a.organization_id = $1 AND a.id = s.id AND a.accrued_until = s.accrued_until AND a.status = 'open'
  RETURNING a.portfolio_id, s.paid, s.maturing
),
bump AS (
  UPDATE savings_portfolios p
     SET version = version + 1, updated_at = clock_timestamp(), last_run_id = $3
   WHERE p.organization_id = $1 AND p.id IN (SELECT portfolio_id FROM upd)
  RETURNING p.id
)
SELECT (SELECT count(*) FROM upd)::int AS accounts,
       (SELECT count(*) FROM upd WHERE maturing)::int AS matured,
       (SELECT coalesce(sum(paid), 0) FROM upd)::text AS paid,
       (SELECT count(*) FROM bump)::int AS portfolios`;

export interface SettlementResult {
  processed: number;
  rejected: number;
}

export interface AccrualRunResult {
  businessDate: string;
  accounts: number;
  matured: number;
  paid: string;
  portfolios: number;
}

@Injectable()
export class SavingsRunsService {
  private readonly logger = new Logger(SavingsRunsService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly producer: JobProducer,
  ) {}

  async requestSettlement(actor: Actor) {
    const job = await this.producer.enqueue('savings', 'settlement', actor, {}, { dedupKey: 'settlement' });
    return { jobId: job.job_id, statusUrl: job.status_url };
  }

  async requestAccrual(actor: Actor) {
    const job = await this.producer.enqueue('savings', 'accrual', actor, {}, { dedupKey: 'accrual' });
    return { jobId: job.job_id, statusUrl: job.status_url };
  }

  /**
   * Settles every due instruction, oldest first, each in its own transaction. `runId` is the
   * job id, which a retry keeps: a portfolio touched by the first attempt is not bumped again.
   */
  async settle(org: string, runId: string, requestId?: string): Promise<SettlementResult> {
    const due = await this.db.run(org, (m) =>
      rows<{ id: string }>(
        m,
        `SELECT id FROM savings_instructions
          WHERE organization_id = $1 AND status = 'Created' AND date_to_be_actioned <= now()
          ORDER BY id`,
        [org],
      ),
    );
    const result: SettlementResult = { processed: 0, rejected: 0 };
    for (const { id } of due) {
      const outcome = await this.db.run(org, (m) =>
        one<{ status: string }>(m, `SELECT savings_settle_instruction($1, $2) AS status`, [id, runId]),
      );
      if (outcome?.status === 'Processed') result.processed += 1;
      else if (outcome?.status === 'Rejected') result.rejected += 1;
    }
    if (due.length) {
      await this.db.run(org, (m) =>
        recordAudit(m, systemActor(org, requestId), {
          action: 'savings_settlement.run',
          resourceType: 'savings_settlement',
          resourceId: runId,
          details: { ...result },
        }),
      );
    }
    this.logger.log({ org, run_id: runId, ...result }, 'savings settlement run finished');
    return result;
  }

  /** Accrues through the day before `businessDate` (default: today, UTC): only complete days accrue. */
  async accrue(org: string, runId: string, businessDate?: string, requestId?: string): Promise<AccrualRunResult> {
    const date = businessDate ?? new Date().toISOString().slice(0, 10);
    return this.db.run(org, async (m) => {
      // One accrual run per organization at a time; the UPDATE's re-check is the second line.
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`savings-accrual.${org}`]);
      const r = await one<Omit<AccrualRunResult, 'businessDate'>>(m, ACCRUAL_SQL, [org, date, runId]);
      const result = { businessDate: date, ...(r as Omit<AccrualRunResult, 'businessDate'>) };
      if (result.accounts > 0) {
        await recordAudit(m, systemActor(org, requestId), {
          action: 'savings_accrual.run',
          resourceType: 'savings_accrual',
          resourceId: runId,
          details: { ...result },
        });
      }
      return result;
    });
  }
}
