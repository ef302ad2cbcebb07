import IORedis from 'ioredis';
import { JobProducer } from '../../src/jobs/job-producer';
import { JobReconciler } from '../../src/jobs/job-reconciler';
import { JobRequests } from '../../src/jobs/job-requests';
import { eventually, ThrowawayRedis } from '../support/redis-server';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';
import { IsolatedDatabase } from '../support/isolated-db';

/**
 * Issue 14.1: what a 202 promises is in Postgres before the answer, so Redis losing it loses
 * nothing. The API runs alone (no workers) on a Redis this file owns, so a job waits until a
 * worker process comes, and Redis can be flushed under it. Its own database too, so no other
 * file's worker reconciles these pending records into the run's shared Redis.
 */
describe('durable job requests (e2e)', () => {
  const redis = new ThrowawayRedis();
  const db = new IsolatedDatabase('durable');
  let api: TestApp;
  let worker: TestApp | undefined;
  const org = newOrg();
  let admin: string;
  let configId: string;

  const record = async (id: string) => (await db.sql(`SELECT status, queue, name, result FROM job_requests WHERE id = $1`, [id]))[0];
  const env = () => ({ DATABASE_URL: db.url, REDIS_URL: redis.url });

  beforeAll(async () => {
    await redis.start();
    await db.create();
    api = await startApp({ ...env(), PROCESS_ROLE: 'api' });
    admin = tokenFor(api.config, org, 'admin');
    await db.sql(
      `INSERT INTO loans (loan_number, borrower_name, program_id, currency, origination_date, original_principal, principal_balance, interest_rate, term_months)
       SELECT 'DUR-' || g, 'Borrower ' || g, gen_random_uuid(), 'USD', date '2025-01-01', 1000, 900, 0.07, 12 FROM generate_series(1, 2) g`,
      [],
      org,
    );
    const c = await api.http().post('/loan-tape-configs').set(bearer(admin)).send({ name: 'Durable', format: 'csv', columns: ['loan_number'] });
    configId = c.body.id;
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    redis.stop();
    await db.drop();
  });

  it('records an accepted job with its request, answers for it after Redis lost it, and a worker runs it', async () => {
    const accepted = await api.http().post(`/loan-tape-configs/${configId}/generate`).set(bearer(admin)).send({});
    expect(accepted.status).toBe(202);
    expect(await record(accepted.body.job_id)).toMatchObject({ status: 'pending', queue: 'loan-tapes', name: 'generate-tape' });

    const flush = new IORedis(redis.url);
    await flush.flushall();
    flush.disconnect();
    const lost = await api.http().get(accepted.body.status_url).set(bearer(admin));
    expect(lost.status).toBe(200);
    expect(lost.body).toMatchObject({ id: accepted.body.job_id, queue: 'loan-tapes', name: 'generate-tape', state: 'waiting', result: null });

    worker = await startApp({ ...env(), PROCESS_ROLE: 'worker', JOB_RECONCILE_GRACE_MS: '0' });
    const done = await waitForJob(api, admin, accepted.body.status_url);
    expect(done).toMatchObject({ state: 'completed', result: expect.objectContaining({ row_count: 2 }) });
    const tape = await api.http().get(`/loan-tapes/${accepted.body.tape_id}`).set(bearer(admin));
    expect(tape.body).toMatchObject({ status: 'completed', row_count: 2 });
    await eventually(() => record(accepted.body.job_id), (r) => r.status === 'completed');
    expect((await record(accepted.body.job_id)).result).toMatchObject({ row_count: 2 });
  });

  it('adding a recorded job again is harmless: one job, one run', async () => {
    await worker?.close();
    worker = undefined;
    const accepted = await api.http().post(`/loan-tape-configs/${configId}/generate`).set(bearer(admin)).send({});
    expect(accepted.status).toBe(202);
    const producer = api.app.get(JobProducer);
    const [spec] = (await api.app.get(JobRequests).pending(0, '', 1000)).filter((s) => s.opts.jobId === accepted.body.job_id);
    expect(spec).toBeDefined();
    const again = await producer.readd([spec, spec]);
    expect(again.map((a) => a.addedAs)).toEqual([accepted.body.job_id, accepted.body.job_id]);
    expect(await producer.queue('loan-tapes').getJobCounts('waiting')).toEqual({ waiting: 1 });

    worker = await startApp({ ...env(), PROCESS_ROLE: 'worker', JOB_RECONCILE_GRACE_MS: '0' });
    expect(await waitForJob(api, admin, accepted.body.status_url)).toMatchObject({ state: 'completed' });
    const [{ attempts }] = await db.sql(`SELECT attempts FROM loan_tapes WHERE id = $1`, [accepted.body.tape_id]);
    expect(attempts).toBe(1);
  });

  it('another organization cannot read the durable record', async () => {
    const accepted = await api.http().post(`/loan-tape-configs/${configId}/generate`).set(bearer(admin)).send({});
    const other = tokenFor(api.config, newOrg(), 'admin');
    expect((await api.http().get(accepted.body.status_url).set(bearer(other))).status).toBe(404);
  });

  it("a schedule's fan-out records each organization's job, so Redis losing them loses no organization's run", async () => {
    await worker?.close();
    worker = undefined;
    const n = await api.app.get(JobProducer).enqueueForEveryOrganization('auto-assign', 'auto-assign-dynamic', {}, { dedupKey: 'dynamic' });
    expect(n).toBeGreaterThanOrEqual(1);
    const fanned = async () => db.sql(`SELECT organization_id, status FROM job_requests WHERE name = 'auto-assign-dynamic'`);
    expect((await fanned()).map((r) => r.status)).toEqual(Array(n).fill('pending'));
    const flush = new IORedis(redis.url);
    await flush.flushall();
    flush.disconnect();
    worker = await startApp({ ...env(), PROCESS_ROLE: 'worker', JOB_RECONCILE_GRACE_MS: '0' });
    await eventually(fanned, (rows) => rows.length === n && rows.every((r) => r.status === 'completed'));
    expect(new Set((await fanned()).map((r) => r.organization_id)).size).toBe(n);
  });

  it('prunes finished records after the retention period, never a pending one', async () => {
    const [old] = await db.sql(`SELECT id FROM job_requests WHERE status = 'completed' LIMIT 1`);
    await db.sql(`UPDATE job_requests SET finished_at = now() - interval '31 days' WHERE id = $1`, [old.id]);
    await db.sql(`UPDATE job_requests SET created_at = now() - interval '31 days' WHERE status = 'pending'`);
    const pendingBefore = await db.sql(`SELECT id FROM job_requests WHERE status = 'pending'`);
    await (worker as TestApp).app.get(JobReconciler).reconcile('test');
    expect(await db.sql(`SELECT id FROM job_requests WHERE id = $1`, [old.id])).toEqual([]);
    // 30 days is the default retention: a record finished 31 days ago goes; one still pending stays (or runs).
    const pendingIds = pendingBefore.map((r) => r.id);
    const still = await db.sql(`SELECT id FROM job_requests WHERE id = ANY($1)`, [pendingIds]);
    expect(still).toHaveLength(pendingIds.length);
  });
});
