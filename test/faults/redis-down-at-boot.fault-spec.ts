import { readFileSync } from 'node:fs';
import { eventually } from '../support/redis-server';
import { sleep, Stack } from './support/stack';

/** A GET that answers status 0 while nothing listens yet. */
const get = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(3000) }).then(
    async (r) => ({ status: r.status, body: await r.text() }),
    () => ({ status: 0, body: '' }),
  );
const until = <T>(probe: () => Promise<T>, ok: (v: T) => boolean, _what: string, timeoutMs = 30_000) => eventually(probe, ok, timeoutMs);

/**
 * Issue 14.4: a process that boots while Redis is down still starts, says so once per retry
 * interval, serves health and Postgres-only reads, refuses job submissions at once, exits
 * promptly on SIGTERM, and resumes by itself when Redis comes.
 */
describe('Redis down at boot', () => {
  const stack = new Stack();
  const org = '5f0c7a2e-1d3b-4c5a-9e8f-000000000144';
  beforeAll(async () => {
    await stack.start();
    stack.redis.stop();
  });
  afterAll(() => stack.destroy());

  it('boots, serves what needs only Postgres, logs calmly, resumes when Redis comes and stops promptly without it', async () => {
    const api = stack.launch('api');
    const worker = stack.launch('worker');
    for (const p of [api, worker]) await until(() => get(`${p.url}/health/live`), (r) => r.status === 200, `${p.role} /health/live`);
    for (const p of [api, worker]) {
      const ready = await get(`${p.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toMatchObject({ checks: { postgres: 'up', redis: 'down' }, detail: expect.stringContaining('redis') });
    }
    expect((await get(`${worker.url}/portfolios`)).status).toBe(404);

    const created = await stack.call(api, org, 'POST', '/portfolios', { name: 'Boot', portfolio_type: 'static', criteria: { currency: 'USD' } });
    expect(created.status).toBe(201);
    expect((await stack.call(api, org, 'GET', '/portfolios')).status).toBe(200);
    const refused = await stack.call(api, org, 'POST', `/portfolios/${created.body.id}/auto-assign`);
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(2000);

    // Ten seconds of outage: at most one Redis line per 5 s interval per process, and no stack traces.
    await sleep(10_000);
    for (const p of [api, worker]) {
      const log = readFileSync(p.logFile, 'utf8').split('\n');
      expect(log.filter((l) => l.includes('redis unavailable')).length).toBeLessThanOrEqual(4);
      expect(log.filter((l) => /^(Error|\s+at |\[ioredis\])/.test(l))).toEqual([]);
    }

    await stack.redis.start();
    await until(() => get(`${api.url}/health/ready`), (r) => r.status === 200, 'the API to be ready');
    await until(() => get(`${worker.url}/health/ready`), (r) => r.status === 200, 'the worker to be ready');
    const accepted = await stack.call(api, org, 'POST', `/portfolios/${created.body.id}/auto-assign`);
    expect(accepted.status).toBe(202);
    await stack.waitJob(api, org, accepted.body.status_url, (j) => j.state === 'completed', 30_000);
    // The worker re-registered its schedules once Redis came.
    await until(() => get(`${api.url}/health/ready`), (r) => JSON.parse(r.body).schedules?.length >= 4, 'schedules to be registered');
    const metrics = (await get(`${worker.url}/metrics`)).body;
    expect(metrics).toMatch(/queue_jobs\{queue="auto-assign",state="completed"\} [1-9]/);
    expect(metrics).toMatch(/queue_jobs\{queue="savings",state="delayed"\} \d+/);
    expect(metrics).toMatch(/db_pool_connections\{pool="tenant",state="waiting"\} 0/);
    expect(metrics).toMatch(/schedule_last_success_age_seconds\{schedule="daily-snapshots"\} [\d.]+/);
    expect(metrics).not.toContain('queue="imports"');

    stack.redis.stop();
    await until(() => get(`${api.url}/health/ready`), (r) => r.status === 503, 'the API to notice');
    for (const p of [worker, api]) {
      const t0 = Date.now();
      await p.kill('SIGTERM');
      expect(Date.now() - t0).toBeLessThan(6000);
    }
  });
});
