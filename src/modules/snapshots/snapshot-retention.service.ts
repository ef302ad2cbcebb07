import { Inject, Injectable } from '@nestjs/common';
import { todayUtc } from '../../common/time/today';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { TenantDb } from '../../database/tenant-db';

/**
 * The organization a platform-wide statement runs under: none has this id, so row-level security
 * shows its own statements nothing; the definer door it calls reads each organization in turn.
 */
const NO_ORGANIZATION = '00000000-0000-4000-8000-000000000000';

/** First of the month `months` months before `today`'s month (UTC), as YYYY-MM-DD. */
export function retentionCutoff(today: string, months: number): string {
  const [y, m] = today.split('-').map(Number);
  const index = y * 12 + (m - 1) - months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * SNAPSHOT_DAY_RETENTION_MONTHS (§5, issue 17.4): months before the cutoff keep only their
 * month-ends. Each such month's partition is rebuilt whole (set-based) and swapped in for the
 * old one, which is dropped: never a row-by-row delete. A month is compacted once.
 */
@Injectable()
export class SnapshotRetentionService {
  constructor(
    private readonly db: TenantDb,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async compact(today = todayUtc(), months = this.config.snapshotDayRetentionMonths): Promise<{ months_compacted: number }> {
    if (months <= 0) return { months_compacted: 0 };
    const cutoff = retentionCutoff(today, months);
    const [{ n }] = await this.db.withClient(NO_ORGANIZATION, async (_c, m) => {
      // Detaching a partition locks the whole table for a moment: behind a long read it waits, and
      // everyone queues behind it, so it gives up instead (the next day's fan-out tries again).
      await m.exec(`SET LOCAL lock_timeout = '10s'`);
      return m.rows<{ n: number }>(`SELECT compact_loan_snapshot_months($1::date) AS n`, [cutoff]);
    });
    return { months_compacted: n };
  }
}
