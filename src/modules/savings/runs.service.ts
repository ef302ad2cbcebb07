import { Injectable, Logger } from '@nestjs/common';
import { escapeLiteral } from 'pg';
import { Actor, systemActor } from '../../common/auth/actor';
import { isUuid } from '../../common/ids/uuid';
import { todayUtc } from '../../common/time/today';
import { recordAudit } from '../../common/audit/audit';
import { JobProducer } from '../../jobs/job-producer';
import { Sql } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { ACCRUAL_SQL } from './accrual.sql';
import { percentOf, ReportProgress } from '../../jobs/progress';

/** Transactions sent to Postgres per round trip by the settlement run. */
const SETTLE_BATCH = 200;
/** Due instruction ids read per query by the settlement run. */
const SETTLE_PAGE = 10 * SETTLE_BATCH;

export interface SettlementResult {
  processed: number;
  rejected: number;
}

type AccrualCounts = Omit<AccrualRunResult, 'businessDate'>;

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
   *
   * One transaction per instruction is one round trip per instruction too many at 10 000, so
   * instructions go to Postgres in batches of SETTLE_BATCH transactions
   * (TenantDb.eachInOwnTransaction). Every transaction still names its organization (row-level
   * security holds); an error stops the batch and rolls back only the instruction in flight,
   * and the retried job carries on from there.
   */
  async settle(org: string, runId: string, requestId?: string, progress: ReportProgress = () => undefined): Promise<SettlementResult> {
    if (!isUuid(org)) throw new Error(`not an organization id: ${org}`);
    // What is due when the run starts is this run's work; later instructions wait for the next.
    const start = await this.db.transaction(org, async (m) => {
      const [{ cutoff, today }] = await m.rows<{ cutoff: string; today: string }>(`SELECT clock_timestamp()::text AS cutoff, (clock_timestamp() AT TIME ZONE 'UTC')::date::text AS today`,
      );
      // An account closes with its interest up to the closing day: accrue it first, by the
      // accrual run's own rules, under this run's id (so its portfolio's version moves once).
      const closing = await m.rows<{ account_id: string }>(`SELECT DISTINCT account_id FROM savings_instructions
          WHERE organization_id = $1 AND status = 'Created' AND kind = 'close' AND date_to_be_actioned <= $2::timestamptz`,
        [org, cutoff],
      );
      if (closing.length) await this.catchUpAccrual(m, org, today, runId, closing.map((c) => c.account_id));
      return cutoff;
    });
    const result: SettlementResult = { processed: 0, rejected: 0 };
    const [{ total }] = await this.db.read(org, (m) =>
      m.rows<{ total: number }>(`SELECT count(*)::int AS total FROM savings_instructions
          WHERE organization_id = $1 AND status = 'Created' AND date_to_be_actioned <= $2::timestamptz`,
        [org, start],
      ),
    );
    let done = 0;
    const report = () =>
      progress({ percent: percentOf(Math.min(done, total), total), instructions_done: done, instructions_total: total, ...result });
    await report();
    const run = escapeLiteral(runId);
    // Due ids are read a page at a time (keyset on id), so memory stays flat however many are due.
    for (let after = '0'; ; ) {
      const page = await this.db.read(org, (m) =>
        m.rows<{ id: string }>(`SELECT id FROM savings_instructions
            WHERE organization_id = $1 AND status = 'Created' AND date_to_be_actioned <= $2::timestamptz AND id > $3
            ORDER BY id LIMIT $4`,
          [org, start, after, SETTLE_PAGE],
        ),
      );
      for (let i = 0; i < page.length; i += SETTLE_BATCH) {
        const statements = page.slice(i, i + SETTLE_BATCH).map(({ id }) => {
          if (!/^\d+$/.test(id)) throw new Error(`bad instruction id ${id}`);
          return `SELECT savings_settle_instruction(${id}, ${run}) AS settled`;
        });
        for (const r of await this.db.eachInOwnTransaction(org, statements)) {
          const settled = (r.rows[0] as { settled?: string } | undefined)?.settled;
          if (settled === 'Processed') result.processed += 1;
          else if (settled === 'Rejected') result.rejected += 1;
        }
        done += statements.length;
        await report();
      }
      if (page.length < SETTLE_PAGE) break;
      after = page[page.length - 1].id;
    }
    if (result.processed + result.rejected > 0) {
      await this.db.transaction(org, (m) =>
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
  async accrue(
    org: string,
    runId: string,
    businessDate?: string,
    requestId?: string,
    progress: ReportProgress = () => undefined,
  ): Promise<AccrualRunResult> {
    const date = businessDate ?? todayUtc();
    // One set-based statement: progress is by phase (started, recorded).
    await progress({ percent: 0, accounts: 0 });
    const out = await this.db.transaction(org, async (m) => {
      const result = { businessDate: date, ...(await this.catchUpAccrual(m, org, date, runId, null)) };
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
    await progress({ percent: 100, accounts: out.accounts, matured: out.matured, portfolios: out.portfolios });
    return out;
  }

  /** The accrual statement for every open account (`accounts` null) or for the ones named. */
  private async catchUpAccrual(m: Sql, org: string, date: string, runId: string, accounts: string[] | null): Promise<AccrualCounts> {
    // One accrual per organization at a time; the UPDATE's re-check is the second line.
    await m.exec(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`savings-accrual.${org}`]);
    // generate_series is estimated at 1 000 rows per account, which makes the planner think
    // the statement is huge and spend seconds JIT-compiling it; the real work is a day or two.
    await m.exec(`SET LOCAL jit = off`);
    return (await m.one<AccrualCounts>(ACCRUAL_SQL, [org, date, runId, accounts])) as AccrualCounts;
  }
}

