import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/env';
import { migrate } from '../src/database/migrate';

/**
 * Each run gets its own database and queue prefix, so runs never see each other's data,
 * and the schema is built by the same migrations production runs.
 */
export default async function globalSetup(): Promise<void> {
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  // Same server as the service's DATABASE_URL (or TEST_DATABASE_URL), a throwaway database on it.
  const base = new URL(process.env.TEST_DATABASE_URL ?? loadConfig().databaseUrl);
  base.pathname = `/portfolio_test_${suffix}`;
  process.env.DATABASE_URL = base.toString();
  process.env.QUEUE_PREFIX = `test_${suffix}`;
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
  process.env.RATE_LIMIT_MAX = process.env.RATE_LIMIT_MAX ?? '1000000';
  // Every file calls from one address into one namespace, and some send bad credentials on
  // purpose; the failure budget itself is tested in security.e2e-spec with its own namespace.
  process.env.RATE_LIMIT_AUTH_FAILURES_MAX = process.env.RATE_LIMIT_AUTH_FAILURES_MAX ?? '1000000';
  process.env.JOB_ATTEMPTS = process.env.JOB_ATTEMPTS ?? '3';
  process.env.TAPE_STORAGE_DIR = `/tmp/portfolio-test-tapes/${suffix}`;
  // Every test app runs the schedule keeper: a run near the daily snapshot time must not catch
  // up a fan-out across every file's organizations (schedules.e2e-spec sets its own grace).
  process.env.SCHEDULE_CATCH_UP_GRACE_MS = process.env.SCHEDULE_CATCH_UP_GRACE_MS ?? '86400000';
  // Nor re-register every file's tape schedules under a test that set a per-second one (files
  // share the database and Redis); schedules.e2e-spec checks often, on its own database.
  process.env.SCHEDULE_CHECK_INTERVAL_MS = process.env.SCHEDULE_CHECK_INTERVAL_MS ?? '3600000';
  // No fixed schedule fires inside a run (leap days only): a 23:30 snapshot, hourly auto-assign,
  // 06:00 settlement, 01:00 accrual or 03:15 tape cleanup fan-out would change the data of whichever file is running.
  for (const name of ['SNAPSHOT_CRON', 'AUTO_ASSIGN_CRON', 'SAVINGS_SETTLEMENT_CRON', 'SAVINGS_ACCRUAL_CRON', 'TAPE_CLEANUP_CRON']) {
    process.env[name] = process.env[name] ?? '0 0 29 2 *';
  }
  await migrate(loadConfig());
}
