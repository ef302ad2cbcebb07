import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TenantDb } from '../../src/database/tenant-db';
import { JobProducer } from '../../src/jobs/job-producer';
import { TapeSchedules } from '../../src/modules/loan-tapes/tape-schedules.service';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('loan tape schedules and failures (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
    await insertLoans(org, [{ loan_number: 'SCH-1' }, { loan_number: 'SCH-2' }]);
  });
  afterAll(async () => {
    await t.close();
  });

  const createConfig = (body: object) => t.http().post('/loan-tape-configs').set(bearer(admin)).send(body);
  const put = (id: string, body: object) => t.http().put(`/loan-tape-configs/${id}`).set(bearer(admin)).send(body);
  const scheduler = (configId: string) => t.app.get(JobProducer).queue('loan-tapes').getJobScheduler(`tape-${configId}`);

  it('registers a UTC scheduler for a scheduled config, moves it with the hour and removes it when unscheduled', async () => {
    const c = (await createConfig({ name: 'Daily', format: 'csv', columns: ['loan_number'], schedule: 'daily' })).body;
    expect(c).toMatchObject({ schedule: 'daily', schedule_hour: 6 });
    expect(await scheduler(c.id)).toMatchObject({ pattern: '0 6 * * *', tz: 'UTC' });
    await put(c.id, { schedule: 'monthly', schedule_hour: 22 });
    expect(await scheduler(c.id)).toMatchObject({ pattern: '0 22 1 * *' });
    await put(c.id, { schedule: 'none' });
    expect(await scheduler(c.id)).toBeUndefined();
    const weekly = (await createConfig({ name: 'Weekly', format: 'json', columns: ['loan_number'], schedule: 'weekly', schedule_hour: 0 })).body;
    expect(await scheduler(weekly.id)).toMatchObject({ pattern: '0 0 * * 1' });
    await put(weekly.id, { is_active: false });
    expect(await scheduler(weekly.id)).toBeUndefined();
    const off = (await createConfig({ name: 'Off', format: 'csv', columns: ['loan_number'], schedule: 'daily', is_active: false })).body;
    expect(await scheduler(off.id)).toBeUndefined();
  });

  it('a schedule check waits for a config write in flight, so it never removes that config\'s new scheduler', async () => {
    const schedules = t.app.get(TapeSchedules);
    let check: Promise<unknown> = Promise.resolve();
    const id = await t.app.get(TenantDb).transaction(org, async (m) => {
      const row = await m.one<{ id: string }>(
        `INSERT INTO loan_tape_configs (name, format, columns, schedule, schedule_hour) VALUES ('In flight', 'csv', '{loan_number}', 'daily', 7) RETURNING id`,
      );
      await schedules.apply(m, org, { id: row!.id, schedule: 'daily', schedule_hour: 7, is_active: true });
      // The scheduler is in Redis, the row not yet visible: a check now must wait, not remove it.
      check = schedules.registerAll();
      await sleep(300);
      return row!.id;
    });
    expect(await check).toEqual({ registered: 0, removed: 0 });
    expect(await scheduler(id)).toMatchObject({ pattern: '0 7 * * *' });
  });

  it('re-registers active schedules at worker boot (a Redis that lost them loses nothing)', async () => {
    const c = (await createConfig({ name: 'Lost', format: 'csv', columns: ['loan_number'], schedule: 'weekly', schedule_hour: 3 })).body;
    await t.app.get(JobProducer).unschedule('loan-tapes', `tape-${c.id}`);
    expect(await scheduler(c.id)).toBeUndefined();
    await t.app.get(TapeSchedules).registerAll();
    expect(await scheduler(c.id)).toMatchObject({ pattern: '0 3 * * 1' });
    await put(c.id, { schedule: 'none' });
  });

  it('a scheduled config fires: the tick records a tape for today and generates it', async () => {
    const c = (await createConfig({ name: 'Fires', format: 'csv', columns: ['loan_number', 'as_of_date'], schedule: 'daily' })).body;
    // Same scheduler id and code path as the config's own, with a per-second cron so the test need not wait for 06:00.
    await t.app.get(TapeSchedules).upsert(org, c.id, '*/1 * * * * *');
    let tapes: { status: string; trigger: string; row_count: number; as_of_date: string; job_id: string }[] = [];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      tapes = (await t.http().get(`/loan-tapes?config_id=${c.id}`).set(bearer(admin))).body.results;
      if (tapes.some((x) => x.status === 'completed')) break;
      await sleep(200);
    }
    await put(c.id, { schedule: 'none' });
    expect(await scheduler(c.id)).toBeUndefined();
    const done = tapes.find((x) => x.status === 'completed');
    expect(done).toMatchObject({ trigger: 'schedule', row_count: 2, as_of_date: new Date().toISOString().slice(0, 10) });
    expect(done?.job_id).toContain(`tape-${c.id}`);
  });

  it('a tick for a config deactivated since creates no tape', async () => {
    const c = (await createConfig({ name: 'Quiet', format: 'csv', columns: ['loan_number'] })).body;
    await t.app.get(TapeSchedules).upsert(org, c.id, '*/1 * * * * *');
    await sleep(2500);
    await t.app.get(JobProducer).unschedule('loan-tapes', `tape-${c.id}`);
    expect((await t.http().get(`/loan-tapes?config_id=${c.id}`).set(bearer(admin))).body.count).toBe(0);
  });

  describe('with tape storage that cannot be written', () => {
    let broken: TestApp;

    beforeAll(async () => {
      // A regular file where the storage directory should be: no directory can be made under it, even by root.
      const base = path.join(t.config.tapeStorageDir, '..', `not-a-dir-${Date.now()}`);
      mkdirSync(path.dirname(base), { recursive: true });
      writeFileSync(base, 'x');
      broken = await startApp({
        TAPE_STORAGE_DIR: path.join(base, 'tapes'),
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}_broken`,
        JOB_ATTEMPTS: '2',
      });
    });
    afterAll(async () => {
      await broken.close();
    });

    it('retries, then ends failed with the reason, visible on the tape and the job; download is 409', async () => {
      const c = (await createConfig({ name: 'Doomed', format: 'xlsx', columns: ['loan_number'] })).body;
      const res = await broken.http().post(`/loan-tape-configs/${c.id}/generate`).set(bearer(admin)).send({});
      expect(res.status).toBe(202);
      const job = await waitForJob(broken, admin, res.body.status_url);
      expect(job).toMatchObject({ state: 'failed', attempts_made: 2, failed_reason: expect.stringContaining('not writable') });
      const tape = (await t.http().get(`/loan-tapes/${res.body.tape_id}`).set(bearer(admin))).body;
      expect(tape).toMatchObject({
        status: 'failed',
        failed_reason: expect.stringContaining('Tape storage is not writable'),
        errors: [{ field: null, message: expect.stringContaining('not writable') }],
        row_count: null,
        sha256: null,
        job_id: res.body.job_id,
      });
      const dl = await t.http().get(`/loan-tapes/${tape.id}/download`).set(bearer(admin));
      expect(dl.status).toBe(409);
    });
  });

  it('reports progress and the tape summary as the job result', async () => {
    const c = (await createConfig({ name: 'Result', format: 'json', columns: ['loan_number'] })).body;
    const res = await t.http().post(`/loan-tape-configs/${c.id}/generate`).set(bearer(admin)).send({});
    const job = await waitForJob(t, admin, res.body.status_url);
    expect(job).toMatchObject({
      state: 'completed',
      progress: 100,
      result: { tape_id: res.body.tape_id, status: 'completed', row_count: 2, byte_size: expect.any(Number), sha256: expect.any(String) },
    });
  });
});
