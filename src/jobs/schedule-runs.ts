import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withSql } from '../database/sql';

export interface ScheduleRun {
  schedule: string;
  queue: string;
  cron: string | null;
  registered_at: Date;
  last_success_at: Date | null;
  last_catch_up_for: Date | null;
}

/**
 * Each schedule's registration and last successful run, in Postgres (`schedule_runs`), so a
 * Redis that lost its data loses neither, and an operator can alert on a stale schedule.
 */
@Injectable()
export class ScheduleRuns {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async registered(schedule: string, queue: string, cron: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO schedule_runs (schedule, queue, cron) VALUES ($1, $2, $3)
       ON CONFLICT (schedule) DO UPDATE SET queue = EXCLUDED.queue, cron = EXCLUDED.cron`,
      [schedule, queue, cron],
    );
  }

  async removed(schedule: string): Promise<void> {
    await this.ds.query(`DELETE FROM schedule_runs WHERE schedule = $1`, [schedule]);
  }

  async succeeded(schedule: string, queue: string): Promise<void> {
    await this.ds.query(
      `INSERT INTO schedule_runs (schedule, queue, last_success_at) VALUES ($1, $2, now())
       ON CONFLICT (schedule) DO UPDATE SET last_success_at = now()`,
      [schedule, queue],
    );
  }

  /** Claims the catch-up of `fire` for one process among all replicas; false when another has it. */
  async claimCatchUp(schedule: string, fire: Date): Promise<boolean> {
    const won = await withSql(this.ds, (sql) =>
      sql.rows(
      `UPDATE schedule_runs SET last_catch_up_for = $2
        WHERE schedule = $1 AND (last_catch_up_for IS NULL OR last_catch_up_for < $2) RETURNING 1`,
      [schedule, fire],
      ),
    );
    return won.length > 0;
  }

  list(): Promise<ScheduleRun[]> {
    return this.ds.query(`SELECT schedule, queue, cron, registered_at, last_success_at, last_catch_up_for FROM schedule_runs ORDER BY schedule`);
  }
}
