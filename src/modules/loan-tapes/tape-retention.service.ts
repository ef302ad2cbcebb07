import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { TenantDb } from '../../database/tenant-db';
import { JobProducer } from '../../jobs/job-producer';
import { QUEUES } from '../../jobs/queues';
import { TAPE_STORAGE, TapeStorage } from './tape-storage';

/** Tapes removed per transaction: one DELETE, then that many file removals before the commit. */
const BATCH = 1000;
export const RETENTION_SCHEDULER = 'tape-retention';

/**
 * TAPE_RETENTION_DAYS (0 = keep forever): finished tapes (completed or failed) requested longer
 * ago than that are deleted, row and file. Queued and running tapes are never touched.
 */
@Injectable()
export class TapeRetention {
  private readonly logger = new Logger(TapeRetention.name);

  constructor(
    private readonly db: TenantDb,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TAPE_STORAGE) private readonly storage: TapeStorage,
  ) {}

  /** Worker boot: a daily fan-out while retention is on; switching it off removes the schedule. */
  async schedule(): Promise<void> {
    if (this.config.tapeRetentionDays > 0) {
      await this.producer.schedule(QUEUES.loanTapes, RETENTION_SCHEDULER, this.config.tapeCleanupCron, 'fan-out-cleanup');
    } else {
      await this.producer.unschedule(QUEUES.loanTapes, RETENTION_SCHEDULER);
    }
  }

  /** One organization's expired tapes, in batches of one set-based DELETE each. */
  async cleanup(actor: Actor): Promise<{ deleted: number; retention_days: number }> {
    const days = this.config.tapeRetentionDays;
    let deleted = 0;
    if (days > 0) {
      let n: number;
      do {
        n = await this.deleteBatch(actor, days);
        deleted += n;
      } while (n === BATCH);
    }
    if (deleted) this.logger.log({ org: actor.org, deleted, retention_days: days }, 'expired loan tapes deleted');
    return { deleted, retention_days: days };
  }

  /**
   * The files go before the commit: if one cannot be removed the rows come back and the next run
   * retries; a crash after the removals leaves rows whose download answers 410, deleted next time.
   */
  private deleteBatch(actor: Actor, days: number): Promise<number> {
    return this.db.transaction(actor.org, async (m) => {
      const gone = await m.rows<{ storage_key: string | null }>(`DELETE FROM loan_tapes WHERE id IN (
           SELECT id FROM loan_tapes
            WHERE organization_id = $1 AND status IN ('completed', 'failed') AND created_at < now() - make_interval(days => $2)
            ORDER BY created_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
         RETURNING storage_key`,
        [actor.org, days],
      );
      for (const { storage_key } of gone) if (storage_key) await this.storage.remove(storage_key);
      if (gone.length) {
        await recordAudit(m, actor, {
          action: 'loan_tape.retention_delete',
          resourceType: 'loan_tape',
          details: { deleted: gone.length, retention_days: days },
        });
      }
      return gone.length;
    });
  }
}
