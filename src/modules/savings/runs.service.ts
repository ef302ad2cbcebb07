import { Injectable, Logger } from '@nestjs/common';
import { escapeLiteral } from 'pg';
import { Actor, systemActor } from '../../common/auth/actor';
import { isUuid } from '../../common/auth/credentials';
import { recordAudit } from '../../common/audit/audit';
import { JobProducer } from '../../jobs/job-producer';
import { one, rows } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { ACCRUAL_SQL } from './accrual.sql';
import { percentOf, ReportProgress } from '../../jobs/progress';

/** Transactions sent to Postgres per round trip by the settlement run. */
const SETTLE_BATCH = 200;

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
   *
   * One transaction per instruction is one round trip per instruction too many at 10 000, so
   * instructions go to Postgres in batches of SETTLE_BATCH transactions
   * (TenantDb.eachInOwnTransaction). Every transaction still names its organization (row-level
   * security holds); an error stops the batch and rolls back only the instruction in flight,
   * and the retried job carries on from there.
   */
  async settle(org: string, runId: string, requestId?: string, progress: ReportProgress = () => undefined): Promise<SettlementResult> {
    if (!isUuid(org)) throw new Error(`not an organization id: ${org}`);
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
    const report = (done: number) =>
      progress({ percent: percentOf(done, due.length), instructions_done: done, instructions_total: due.length, ...result });
    await report(0);
    if (due.length) {
      const run = escapeLiteral(runId);
      for (let i = 0; i < due.length; i += SETTLE_BATCH) {
        const statements = due.slice(i, i + SETTLE_BATCH).map(({ id }) => {
          if (!/^\d+$/.test(id)) throw new Error(`bad instruction id ${id}`);
          return `SELECT savings_settle_instruction(${id}, ${run}) AS settled`;
        });
        for (const r of await this.db.eachInOwnTransaction(org, statements)) {
          const settled = (r.rows[0] as { settled?: string } | undefined)?.settled;
          if (settled === 'Processed') result.processed += 1;
          else if (settled === 'Rejected') result.rejected += 1;
        }
        await report(Math.min(i + SETTLE_BATCH, due.length));
      }
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
  async accrue(
    org: string,
    runId: string,
    businessDate?: string,
    requestId?: string,
    progress: ReportProgress = () => undefined,
  ): Promise<AccrualRunResult> {
    const date = businessDate ?? new Date().toISOString().slice(0, 10);
    // One set-based statement: progress is by phase (waiting for the lock, accruing, recorded).
    await progress({ percent: 0, accounts: 0 });
    const out = await this.db.run(org, async (m) => {
      // One accrual run per organization at a time; the UPDATE's re-check is the second line.
      await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`savings-accrual.${org}`]);
      // generate_series is estimated at 1 000 rows per account, which makes the planner think
      // the statement is huge and spend seconds JIT-compiling it; the real work is a day or two.
      await m.query(`SET LOCAL jit = off`);
      await progress({ percent: 10, accounts: 0 });
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
    await progress({ percent: 100, accounts: out.accounts, matured: out.matured, portfolios: out.portfolios });
    return out;
  }
}
