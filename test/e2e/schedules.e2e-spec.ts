import { JobProducer } from '../../src/jobs/job-producer';
import { ScheduleKeeper } from '../../src/jobs/schedule-keeper';
import { eventually, ThrowawayRedis } from '../support/redis-server';
import { startApp, TestApp } from '../support/app';
import { awayFromUtcMidnight } from '../support/clock';
import { IsolatedDatabase } from '../support/isolated-db';

const FIXED = ['daily-snapshots', 'dynamic-auto-assign', 'savings-settlement', 'savings-accrual'];

/**
 * Issue 14.2: schedules heal themselves and say when each last succeeded. Schedules here fire
 * every second and fan out to every organization, so this file has a database and a Redis of
 * its own: no other file's organizations or queues are touched.
 */
describe('self-healing schedules (e2e)', () => {
  let t: TestApp;
  const redis = new ThrowawayRedis();
  const db = new IsolatedDatabase('schedules');
  const sql = (text: string) => db.sql(text);
  const schedulerIds = async () => {
    const producer = t.app.get(JobProducer);
    const all = await Promise.all((['snapshots', 'auto-assign', 'savings'] as const).map((q) => producer.queue(q).getJobSchedulers(0, -1)));
    return all.flat().map((s) => s.key);
  };

  beforeAll(async () => {
    await redis.start();
    await db.create();
    // A per-second auto-assign schedule, so a success is seen without waiting for the hour. The
    // snapshot run fires on leap days only, so the start's own catch-up of a fresh database (a run
    // never seen today) cannot take the minute the catch-up test below picks.
    t = await startApp({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      AUTO_ASSIGN_CRON: '*/1 * * * * *',
      SNAPSHOT_CRON: '0 0 29 2 *',
      SCHEDULE_CHECK_INTERVAL_MS: '500',
      SCHEDULE_CATCH_UP_GRACE_MS: '0',
    });
  });
  afterAll(async () => {
    await t?.close();
    redis.stop();
    await db.drop();
  });

  it('re-registers every scheduler Redis lost, by itself', async () => {
    await eventually(schedulerIds, (ids) => FIXED.every((id) => ids.includes(id)));
    const producer = t.app.get(JobProducer);
    await producer.unschedule('snapshots', 'daily-snapshots');
    await producer.unschedule('savings', 'savings-settlement');
    expect(await schedulerIds()).not.toContain('daily-snapshots');
    await eventually(schedulerIds, (ids) => FIXED.every((id) => ids.includes(id)), 10_000);
  });

  it("records each schedule's last success in Postgres and exposes it in /health/ready and /metrics", async () => {
    const ready = await eventually(
      () => t.http().get('/health/ready'),
      (r) => r.body.schedules?.some((s: { schedule: string; last_success_at: string | null }) => s.schedule === 'dynamic-auto-assign' && s.last_success_at),
    );
    const auto = ready.body.schedules.find((s: { schedule: string }) => s.schedule === 'dynamic-auto-assign');
    expect(auto).toMatchObject({ queue: 'auto-assign', cron: '*/1 * * * * *', age_seconds: expect.any(Number) });
    expect(ready.body.schedules.map((s: { schedule: string }) => s.schedule)).toEqual(expect.arrayContaining(FIXED));
    const [row] = await sql(`SELECT last_success_at FROM schedule_runs WHERE schedule = 'dynamic-auto-assign'`);
    expect(row.last_success_at).toBeInstanceOf(Date);
    const metrics = await t.http().get('/metrics');
    expect(metrics.text).toMatch(/schedule_last_success_timestamp_seconds\{schedule="dynamic-auto-assign"\} \d{10}/);
    expect(metrics.text).toMatch(/queue_jobs\{queue="auto-assign",state="waiting"\} \d+/);
    expect(metrics.text).toMatch(/db_pool_connections\{pool="tenant",state="in_use"\} \d+/);
  });

  it("catches up today's missed snapshot run once, and never twice", async () => {
    await awayFromUtcMidnight(15_000); // a fire of this minute must still be today's when the keeper looks
    const now = new Date();
    const cron = `${now.getUTCMinutes()} ${now.getUTCHours()} * * *`; // fired at the start of this minute
    const fire = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), now.getUTCHours(), now.getUTCMinutes());
    const keeper = t.app.get(ScheduleKeeper);
    keeper.define({ id: 'daily-snapshots', queue: 'snapshots', cron, name: 'fan-out', catchUp: true });
    await sql(`UPDATE schedule_runs SET last_success_at = now() - interval '1 day', last_catch_up_for = NULL WHERE schedule = 'daily-snapshots'`);
    // Only catch-ups of this minute's fire count: any earlier fire of today the start caught up is not this test's.
    const fanOuts = async () =>
      (await t.app.get(JobProducer).queue('snapshots').getJobs(['waiting', 'active', 'completed'])).filter((j) => {
        const id = String(j.id);
        return id.startsWith('catch-up.daily-snapshots.') && Number(id.split('.')[2]) >= fire;
      });
    await eventually(fanOuts, (jobs) => jobs.length === 1, 10_000);
    await eventually(
      () => sql(`SELECT last_success_at > now() - interval '1 minute' AS fresh FROM schedule_runs WHERE schedule = 'daily-snapshots'`),
      (r) => r[0]?.fresh === true,
      10_000,
    );
    await keeper.check('test');
    await keeper.check('test');
    expect(await fanOuts()).toHaveLength(1);
    const [claimed] = await sql(`SELECT last_catch_up_for FROM schedule_runs WHERE schedule = 'daily-snapshots'`);
    expect((claimed.last_catch_up_for as Date).getTime()).toBe(fire);
  });
});
