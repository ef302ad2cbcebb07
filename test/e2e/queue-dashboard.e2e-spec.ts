import { appRoutes } from '@bull-board/api/dist/routes';
import type { Queue } from 'bullmq';
import { request as httpRequest } from 'node:http';
import { JobProducer } from '../../src/jobs/job-producer';
import { QUEUE_NAMES, QueueName } from '../../src/jobs/queues';
import { newOrg, startApp, TestApp, tokenFor } from '../support/app';

const OPS = { OPS_USER: 'ops', OPS_PASSWORD: 'correct-horse-battery-staple' };
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const GOOD = basic(OPS.OPS_USER, OPS.OPS_PASSWORD);
// Its own queues: a guard that failed here must not pause or empty the queues other files use.
const PREFIX = `${process.env.QUEUE_PREFIX}_dash`;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RawResponse {
  status: number;
  body: string;
}

/** Sends the path byte for byte: supertest and fetch would normalise dot segments and encodings first. */
function raw(t: TestApp, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<RawResponse> {
  const { port } = new URL(t.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Every spelling of a dashboard path that a router, a proxy or a decoder might take for it. */
function spellings(rest: string): string[] {
  return [
    `/admin/queues${rest}`,
    `/%61dmin/queues${rest}`,
    `/%61%64%6d%69%6e/%71%75%65%75%65%73${rest}`,
    `/ad%6Din/queues${rest}`,
    `/admin/%71ueues${rest}`,
    `/admin/queue%73${rest}`,
    `/%41dmin/queues${rest}`,
    `/admin%2Fqueues${rest}`,
    `/admin%2fqueues${rest}`,
    `//admin/queues${rest}`,
    `/admin//queues${rest}`,
    `/admin/queues/${rest}`,
    `///admin///queues${rest}`,
    `/admin/./queues${rest}`,
    `/./admin/queues${rest}`,
    `/admin/%2e/queues${rest}`,
    `/x/../admin/queues${rest}`,
    `/x/%2e%2e/admin/queues${rest}`,
    `/admin/x/../queues${rest}`,
    `/ADMIN/queues${rest}`,
    `/Admin/Queues${rest}`,
    `/admin/QUEUES${rest}`,
    `/admin;x=1/queues${rest}`,
    `/admin/queues;x=1${rest}`,
    `/admin\\queues${rest}`,
    `/%2561dmin/queues${rest}`,
    `/admin/queues${rest}/`,
    `/admin/queues${rest};jsessionid=1`,
    `/admin/queues${rest}?x=1`,
    `/admin/queues${rest}?`,
    `/admin/queues${rest}#frag`,
    `/admin/queues${rest}%3Fx=1`,
  ];
}

/** Paths on the board that show queue data (or the UI that fetches it). */
const READ_PATHS = [
  '/api/queues',
  '/api/queues?activeQueue=snapshots&status=failed',
  '/api/redis/stats',
  '/api/job-schedulers',
  '/api/queues/snapshots/metrics',
  '/api/queues/snapshots/workers',
  '/api/queues/snapshots/default-job-options',
  '',
  '/',
  '/queue/snapshots',
];

/** Every mutating Bull Board API route of the installed version, so a new one cannot slip past the test. */
const MUTATING = appRoutes.api
  .flatMap((r) => (Array.isArray(r.route) ? r.route : [r.route]).map((route) => ({ method: String(r.method).toUpperCase(), route })))
  .filter((r) => r.method !== 'GET');

/** Enough for any of those routes' bodies: an add, a data update, a concurrency or rate change. */
const ANY_BODY = {
  name: 'snapshot-run',
  data: { org: '00000000-0000-4000-8000-000000000000', snapshotDate: '2000-01-01' },
  options: {},
  concurrency: 1,
  max: 1,
  duration: 1000,
  delay: 0,
  priority: 1,
  repeat: { pattern: '* * * * * *' },
  template: { name: 'snapshot-run', data: {} },
};

const fill = (route: string, queueName: string, jobId: string) =>
  route
    .replace(':queueName', queueName)
    .replace(':jobId', jobId)
    .replace(':queueStatus', 'failed')
    .replace(':schedulerId', 'daily-snapshots');

describe('queue dashboard (e2e)', () => {
  let t: TestApp;
  const queues = () => Object.fromEntries(QUEUE_NAMES.map((n) => [n, t.app.get(JobProducer).queue(n)])) as Record<QueueName, Queue>;

  /** A failed job (to retry) and a delayed job (to promote) for the routes to act on. */
  async function fixtures(): Promise<{ failedId: string; delayedId: string }> {
    const q = queues();
    const failed = await q.snapshots.add('snapshot-run', { org: newOrg(), snapshotDate: daysAgo(3) }, { attempts: 1 });
    const delayed = await q['auto-assign'].add('auto-assign-dynamic', { org: newOrg() }, { delay: 3_600_000 });
    const deadline = Date.now() + 30_000;
    while ((await failed.getState()) !== 'failed' && Date.now() < deadline) await sleep(100);
    expect(await failed.getState()).toBe('failed');
    return { failedId: failed.id as string, delayedId: delayed.id as string };
  }

  /** What any dashboard write would change: counts, paused flags, schedulers, concurrency, job data. */
  async function fingerprint(ids: { failedId: string; delayedId: string }) {
    const q = queues();
    const perQueue = await Promise.all(
      QUEUE_NAMES.map(async (n) => ({
        n,
        counts: await q[n].getJobCounts('wait', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'),
        paused: await q[n].isPaused(),
        schedulers: (await q[n].getJobSchedulers()).map((s) => [s.key, s.pattern, JSON.stringify(s.template ?? null)]),
        concurrency: await q[n].getGlobalConcurrency(),
      })),
    );
    const failed = await q.snapshots.getJob(ids.failedId);
    const delayed = await q['auto-assign'].getJob(ids.delayedId);
    return {
      perQueue,
      failed: [await failed?.getState(), failed?.attemptsStarted, JSON.stringify(failed?.data), failed?.priority],
      delayed: [await delayed?.getState(), JSON.stringify(delayed?.data), delayed?.delay, delayed?.priority],
    };
  }

  describe('read-only (the default)', () => {
    let ids: { failedId: string; delayedId: string };

    beforeAll(async () => {
      t = await startApp({ ...OPS, QUEUE_PREFIX: PREFIX });
      ids = await fixtures();
    });
    afterAll(async () => {
      await t.close();
    });

    it.each(READ_PATHS)('no spelling of %j answers without the operator credentials', async (rest) => {
      const org = newOrg();
      const wrong: Record<string, string>[] = [
        {},
        { authorization: basic(OPS.OPS_USER, 'wrong') },
        { authorization: basic('', '') },
        { authorization: 'Basic' },
        { authorization: `basic ${GOOD.slice(6)}x` },
        // Trailing bytes after the padding: a lenient decoder would read the right credentials.
        { authorization: `Basic ${GOOD.slice(6)}=AAAA` },
        { authorization: `${GOOD}, Basic ${GOOD.slice(6)}` },
        { authorization: `Bearer ${tokenFor(t.config, org, 'owner')}` },
      ];
      for (const path of spellings(rest)) {
        for (const headers of wrong) {
          for (const method of ['GET', 'HEAD']) {
            const res = await raw(t, method, path, { ...headers, 'x-original-url': '/health/live', 'x-forwarded-prefix': '/health' });
            const verdict = `${method} ${path} ${JSON.stringify(headers)} -> ${res.status}`;
            expect([verdict, [401, 404].includes(res.status)]).toEqual([verdict, true]);
            expect(res.body).not.toMatch(/snapshot-run|"queues"|bull-board|redis_version/i);
          }
        }
      }
    });

    it('reads with the operator credentials, on the spellings the router takes', async () => {
      const list = await raw(t, 'GET', '/admin/queues/api/queues', { authorization: GOOD });
      expect(list.status).toBe(200);
      expect(JSON.parse(list.body).queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining([...QUEUE_NAMES]));
      expect((await raw(t, 'GET', '/%61dmin/queues/api/queues', { authorization: GOOD })).status).toBe(200);
      expect((await raw(t, 'GET', '/admin/queues', { authorization: GOOD })).status).toBe(200);
      expect((await raw(t, 'GET', '/admin/queues/api/queues', { authorization: `bASIC ${GOOD.slice(6)}` })).status).toBe(200);
      expect((await raw(t, 'GET', '/admin/queues/', { authorization: GOOD })).status).toBe(200);
      const job = await raw(t, 'GET', `/admin/queues/api/queues/snapshots/${ids.failedId}`, { authorization: GOOD });
      expect(job.status).toBe(200);
      // The UI is told it is read-only, so it offers no buttons; the server refuses anyway (below).
      expect(JSON.parse(list.body).queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    });

    it('refuses every mutating API route, on every spelling, and nothing changes', async () => {
      expect(MUTATING.length).toBeGreaterThan(20);
      const before = await fingerprint(ids);
      for (const r of MUTATING) {
        for (const [queueName, jobId] of [['snapshots', ids.failedId], ['auto-assign', ids.delayedId]]) {
          for (const prefix of ['/admin/queues', '/%61dmin/queues', '/admin/queues/']) {
            const path = `${prefix}${fill(r.route, queueName, jobId)}`.replace('queues//', 'queues/');
            const res = await raw(t, r.method, path, { authorization: GOOD }, ANY_BODY);
            const verdict = `${r.method} ${path} -> ${res.status}`;
            expect([verdict, [403, 404, 405].includes(res.status)]).toEqual([verdict, true]);
          }
        }
      }
      expect(await fingerprint(ids)).toEqual(before);
    });
  });

  describe('with OPS_DASHBOARD_WRITE=true', () => {
    let ids: { failedId: string; delayedId: string };

    beforeAll(async () => {
      t = await startApp({ ...OPS, QUEUE_PREFIX: `${PREFIX}_w`, OPS_DASHBOARD_WRITE: 'true' });
      ids = await fixtures();
    });
    afterAll(async () => {
      await t.close();
    });

    it('retries a failed job', async () => {
      expect((await queues().snapshots.getJob(ids.failedId))?.attemptsStarted).toBe(1);
      const res = await raw(t, 'PUT', `/admin/queues/api/queues/snapshots/${ids.failedId}/retry`, { authorization: GOOD });
      expect(res.status).toBeLessThan(300);
      const deadline = Date.now() + 30_000;
      let job = await queues().snapshots.getJob(ids.failedId);
      while (Date.now() < deadline && !((job?.attemptsStarted ?? 0) >= 2 && (await job?.getState()) === 'failed')) {
        await sleep(100);
        job = await queues().snapshots.getJob(ids.failedId);
      }
      expect(job?.attemptsStarted).toBeGreaterThanOrEqual(2);
    });

    it('pauses and resumes a queue', async () => {
      expect((await raw(t, 'PUT', '/admin/queues/api/queues/auto-assign/pause', { authorization: GOOD })).status).toBeLessThan(300);
      expect(await queues()['auto-assign'].isPaused()).toBe(true);
      expect((await raw(t, 'PUT', '/admin/queues/api/queues/auto-assign/resume', { authorization: GOOD })).status).toBeLessThan(300);
      expect(await queues()['auto-assign'].isPaused()).toBe(false);
    });

    it('still never adds a job, edits its data or touches a schedule', async () => {
      const before = await fingerprint(ids);
      const refused = MUTATING.filter((r) => !/\/(retry|clean|pause|resume|promote)(\/:queueStatus)?$/.test(r.route));
      expect(refused.map((r) => r.route)).toEqual(
        expect.arrayContaining(['/api/queues/:queueName/add', '/api/queues/:queueName/:jobId/update-data', '/api/queues/:queueName/job-schedulers/:schedulerId']),
      );
      for (const r of refused) {
        for (const prefix of ['/admin/queues', '/%61dmin/queues']) {
          const path = `${prefix}${fill(r.route, 'snapshots', ids.failedId)}`;
          const res = await raw(t, r.method, path, { authorization: GOOD }, ANY_BODY);
          const verdict = `${r.method} ${path} -> ${res.status}`;
          expect([verdict, [403, 404, 405].includes(res.status)]).toEqual([verdict, true]);
        }
      }
      expect(await fingerprint(ids)).toEqual(before);
    });
  });
});
