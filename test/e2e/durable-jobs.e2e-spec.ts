import IORedis from 'ioredis';
import { JobProducer } from '../../src/jobs/job-producer';
import { JobRequests } from '../../src/jobs/job-requests';
import { withOrgSql } from '../factories/db';
import { insertLoans } from '../factories/loans';
import { eventually, ThrowawayRedis } from '../support/redis-server';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

/**
 * Issue 14.1: what a 202 promises is in Postgres before the answer, so Redis losing it loses
 * nothing. The API runs alone (no workers) on a Redis this file owns, so a job waits until a
 * worker process comes, and Redis can be flushed under it.
 */
describe('durable job requests (e2e)', () => {
  const redis = new ThrowawayRedis();
  let api: TestApp;
  let worker: TestApp | undefined;
  const org = newOrg();
  let admin: string;
  let configId: string;

  const record = (id: string) =>
    withOrgSql(org, async (c) => (await c.query(`SELECT status, queue, name, result FROM job_requests WHERE id = $1`, [id])).rows[0]);

  beforeAll(async () => {
    await redis.start();
    api = await startApp({ REDIS_URL: redis.url, PROCESS_ROLE: 'api' });
    admin = tokenFor(api.config, org, 'admin');
    await insertLoans(org, [{ loan_number: 'DUR-1' }, { loan_number: 'DUR-2' }]);
    const c = await api.http().post('/loan-tape-configs').set(bearer(admin)).send({ name: 'Durable', format: 'csv', columns: ['loan_number'] });
    configId = c.body.id;
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    redis.stop();
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

    worker = await startApp({ REDIS_URL: redis.url, PROCESS_ROLE: 'worker', JOB_RECONCILE_GRACE_MS: '0' });
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

    worker = await startApp({ REDIS_URL: redis.url, PROCESS_ROLE: 'worker', JOB_RECONCILE_GRACE_MS: '0' });
    expect(await waitForJob(api, admin, accepted.body.status_url)).toMatchObject({ state: 'completed' });
    const attempts = await withOrgSql(org, async (c) =>
      (await c.query(`SELECT attempts FROM loan_tapes WHERE id = $1`, [accepted.body.tape_id])).rows[0].attempts,
    );
    expect(attempts).toBe(1);
  });

  it('another organization cannot read the durable record', async () => {
    const accepted = await api.http().post(`/loan-tape-configs/${configId}/generate`).set(bearer(admin)).send({});
    const other = tokenFor(api.config, newOrg(), 'admin');
    expect((await api.http().get(accepted.body.status_url).set(bearer(other))).status).toBe(404);
  });
});
