import { Injectable, Logger } from '@nestjs/common';
import { serviceUnavailable } from '../../common/errors/common.errors';
import { TenantDb } from '../../database/tenant-db';
import { JobProducer } from '../../jobs/job-producer';
import { QUEUES } from '../../jobs/queues';
import { ScheduleRuns } from '../../jobs/schedule-runs';
import { configIdOfScheduler, schedulerId, scheduleCron, TapeSchedule } from './tape-rules';

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

  /** Registers or removes the config's scheduler to match the config; 503 when Redis is down. */
  async apply(org: string, c: ScheduledConfig): Promise<void> {
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
    const wanted: { organization_id: string; id: string; schedule: TapeSchedule; schedule_hour: number }[] =
      await this.db.unscoped.query(`SELECT organization_id, id, schedule, schedule_hour FROM loan_tape_schedules()`);
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
