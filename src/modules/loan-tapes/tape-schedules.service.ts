import { Injectable, Logger } from '@nestjs/common';
import { serviceUnavailable } from '../../common/errors/common.errors';
import { Sql, withSql } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { JobProducer } from '../../jobs/job-producer';
import { QUEUES } from '../../jobs/queues';
import { ScheduleRuns } from '../../jobs/schedule-runs';
import { configIdOfScheduler, schedulerId, scheduleCron, TapeSchedule } from './tape-rules';

/** One advisory-lock key for all tape schedules: config writes share it, the reconcile takes it alone. */
const SCHEDULES_LOCK = 'loan-tape-schedules';

export interface ScheduledConfig {
  id: string;
  schedule: TapeSchedule;
  schedule_hour: number;
  is_active: boolean;
}

/**
 * Keeps one BullMQ job scheduler per active scheduled config (id `tape-<configId>`). A tick
 * enqueues one `scheduled-tape` job carrying only the organization and config ids.
 */
@Injectable()
export class TapeSchedules {
  private readonly logger = new Logger(TapeSchedules.name);

  constructor(
    private readonly producer: JobProducer,
    private readonly db: TenantDb,
    private readonly runs: ScheduleRuns,
  ) {}

  /**
   * Registers or removes the config's scheduler to match the config; 503 when Redis is down.
   * Called inside the config's transaction, which holds the schedules lock shared until it
   * ends, so `registerAll` never judges Redis against configs that are still being written.
   */
  async apply(m: Sql, org: string, c: ScheduledConfig): Promise<void> {
    await m.exec(`SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))`, [SCHEDULES_LOCK]);
    const cron = c.is_active ? scheduleCron(c.schedule, c.schedule_hour) : null;
    try {
      if (cron) await this.upsert(org, c.id, cron);
      else await this.remove(schedulerId(c.id));
    } catch (err) {
      this.logger.warn({ config_id: c.id, err: (err as Error).message }, 'tape schedule change failed');
      throw serviceUnavailable('The job queue (Redis) is unavailable; the schedule was not changed');
    }
  }

  /**
   * The one place a scheduler is written. Tests pass a seconds-level cron (6 fields) here to see
   * a schedule fire without waiting for the hour; configs only ever produce hourly crons.
   */
  async upsert(org: string, configId: string, cron: string): Promise<void> {
    await this.producer.schedule(QUEUES.loanTapes, schedulerId(configId), cron, 'scheduled-tape', { org, configId });
    await this.runs.registered(schedulerId(configId), QUEUES.loanTapes, cron);
  }

  private async remove(id: string): Promise<void> {
    await this.producer.unschedule(QUEUES.loanTapes, id);
    await this.runs.removed(id);
  }

  /**
   * Worker boot, every schedule check and every Redis reconnect: each active scheduled config
   * has its scheduler (a Redis that lost its data loses no schedules; one already right is left
   * alone), and schedulers whose config no longer wants one are removed.
   */
  async registerAll(): Promise<{ registered: number; removed: number }> {
    // Exclusive: waits for config transactions in flight (their scheduler may be in Redis before
    // their row is visible) and holds new ones back until Redis matches what it read.
    return withSql(this.db.unscoped, async (sql) => {
      await sql.exec(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [SCHEDULES_LOCK]);
      try {
        return await this.reconcile(sql);
      } finally {
        await sql.exec(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [SCHEDULES_LOCK]);
      }
    });
  }

  private async reconcile(sql: Sql): Promise<{ registered: number; removed: number }> {
    const wanted = await sql.rows<{ organization_id: string; id: string; schedule: TapeSchedule; schedule_hour: number }>(
      `SELECT organization_id, id, schedule, schedule_hour FROM loan_tape_schedules()`,
    );
    const existing = await this.producer.queue(QUEUES.loanTapes).getJobSchedulers(0, -1);
    const patterns = new Map(existing.map((s) => [s.key, s.pattern]));
    let registered = 0;
    for (const c of wanted) {
      const cron = scheduleCron(c.schedule, c.schedule_hour) as string;
      if (patterns.get(schedulerId(c.id)) === cron) continue;
      await this.upsert(c.organization_id, c.id, cron);
      registered++;
    }
    const keep = new Set(wanted.map((c) => c.id));
    let removed = 0;
    for (const s of existing) {
      const configId = configIdOfScheduler(s.key);
      if (configId && !keep.has(configId)) {
        await this.remove(s.key);
        removed++;
      }
    }
    if (registered || removed) this.logger.log({ registered, removed }, 'loan tape schedules registered');
    return { registered, removed };
  }
}
