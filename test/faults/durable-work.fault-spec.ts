import { Queue } from 'bullmq';
import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { seedSavings } from '../../scripts/seed/savings';
import { eventually } from '../support/redis-server';
import { ServiceProcess } from './support/service';
import { sleep, Stack } from './support/stack';

const SCHEDULERS: Record<string, string[]> = {
  snapshots: ['daily-snapshots'],
  'auto-assign': ['dynamic-auto-assign'],
  savings: ['savings-settlement', 'savings-accrual'],
};
const DUE = 8000;

/** Polls until `ok` holds, failing with the last value after `timeoutMs`. */
const until = <T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, _what: string, timeoutMs: number) =>
  eventually(async () => probe(), ok, timeoutMs);

/**
 * Issue 14: nothing the service accepts is lost and no schedule stops silently, against a
 * Redis the suite owns and may flush or restart without persistence. The API and the workers
 * run as separate processes from dist/, with the default check intervals unless a case says.
 */
describe('durable work across Redis data loss', () => {
  const stack = new Stack();
  let api: ServiceProcess;
  let worker: ServiceProcess;
  const org = '5f0c7a2e-1d3b-4c5a-9e8f-000000000014';
  const sql = (q: string) => stack.pg.psql(`SELECT set_config('app.org_id', '${org}', false) \\g /dev/null\n${q}`);
  const call = (method: string, url: string, body?: unknown) => stack.call(api, org, method, url, body);
  const redisCli = (...args: string[]) => spawnSync('redis-cli', ['-p', String(stack.redis.port), ...args], { encoding: 'utf8' }).stdout.trim();
  const queue = (name: string) => new Queue(name, { connection: { host: '127.0.0.1', port: stack.redis.port }, prefix: 'fault' });
  let configId: string;

  beforeAll(async () => {
    await stack.start();
    stack.newOrg();
    sql(`INSERT INTO loans (loan_number, borrower_name, program_id, currency, origination_date, original_principal,
                            principal_balance, interest_rate, term_months)
         SELECT 'DW-' || g, 'Borrower ' || g, gen_random_uuid(), 'USD', date '2025-01-01', 1000, 900, 0.07, 12
           FROM generate_series(1, 20) g;`);
    [api, worker] = await Promise.all([stack.spawn('api'), stack.spawn('worker', { JOB_RECONCILE_INTERVAL_MS: '5000' })]);
    const config = await call('POST', '/loan-tape-configs', { name: 'Daily durable', format: 'csv', columns: ['loan_number'], schedule: 'daily' });
    if (config.status !== 201) throw new Error(`tape config not created: ${JSON.stringify(config.body)}`);
    configId = config.body.id;
  });
  afterAll(() => stack.destroy());

  it('after FLUSHALL every scheduler is back within 90 s and a tape accepted before the flush completes', async () => {
    const wanted = { ...SCHEDULERS, 'loan-tapes': [`tape-${configId}`] };
    const queues = Object.fromEntries(Object.keys(wanted).map((q) => [q, queue(q)]));
    const present = async () => {
      const found = await Promise.all(Object.entries(queues).map(async ([q, Q]) => [q, (await Q.getJobSchedulers(0, -1)).map((s) => s.key)] as const));
      return Object.fromEntries(found);
    };
    const complete = (p: Record<string, string[]>) => Object.entries(wanted).every(([q, ids]) => ids.every((id) => p[q]?.includes(id)));
    await until(present, complete, 'the schedulers to be registered at boot', 30_000);

    // The tape queue is paused, so the accepted tape is still waiting in Redis when Redis loses it.
    await queues['loan-tapes'].pause();
    const accepted = await call('POST', `/loan-tape-configs/${configId}/generate`, {});
    expect(accepted.status).toBe(202);
    expect(redisCli('FLUSHALL')).toBe('OK');
    const flushedAt = Date.now();
    expect(complete(await present())).toBe(false);

    await until(present, complete, 'every scheduler to come back', 90_000);
    const tape = await until(() => call('GET', `/loan-tapes/${accepted.body.tape_id}`), (r) => r.body.status === 'completed', 'the tape', 90_000);
    expect(Date.now() - flushedAt).toBeLessThan(90_000);
    expect(tape.body).toMatchObject({ status: 'completed', row_count: 20 });
    const job = await call('GET', accepted.body.status_url);
    expect(job.body).toMatchObject({ state: 'completed', result: expect.objectContaining({ row_count: 20 }) });
    await Promise.all(Object.values(queues).map((q) => q.close()));
  });

  it('a Redis restart without persistence mid-settlement: every due instruction is processed exactly once', async () => {
    const client = new Client({ connectionString: stack.pg.url() });
    await client.connect();
    await client.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
    await seedSavings(client, DUE, { accrue: false });
    await client.end();
    sql(`INSERT INTO savings_instructions (instruction_reference, request_fingerprint, kind, client_id, portfolio_id,
                                           currency_code, amount, product_id, product_version, date_to_be_actioned)
         SELECT 'dw-' || pf.id, 'dw', 'deposit', pf.client_id, pf.id, 'GBP', 100 + pf.id % 900, pr.id, 1, now() - interval '1 minute'
           FROM (SELECT * FROM savings_portfolios ORDER BY id LIMIT ${DUE}) pf
          CROSS JOIN (SELECT id FROM savings_products WHERE product_type = 'instant_access' ORDER BY id LIMIT 1) pr;
         ANALYZE savings_instructions;`);
    const processed = () => Number(sql(`SELECT count(*) FROM savings_instructions WHERE instruction_reference LIKE 'dw-%' AND status = 'Processed'`));

    const accepted = await call('POST', '/financial-partners/instruction-batches/process');
    expect(accepted.status).toBe(202);
    await until(processed, (n) => n > 0, 'the settlement run to start', 60_000);
    stack.redis.stop();
    const atRestart = processed();
    await sleep(1000);
    await stack.redis.start();
    expect(atRestart).toBeLessThan(DUE);

    await until(processed, (n) => n === DUE, 'every due instruction to be processed', 120_000);
    const job = await until(() => call('GET', accepted.body.statusUrl), (r) => r.body.state === 'completed', 'the settlement job to complete', 120_000);
    expect(job.status).toBe(200);
    // One movement per instruction, and no instruction left behind or settled twice.
    expect(sql(`SELECT count(*) || '/' || count(DISTINCT m.instruction_id) FROM savings_movements m
                  JOIN savings_instructions i ON i.id = m.instruction_id WHERE i.instruction_reference LIKE 'dw-%'`)).toBe(`${DUE}/${DUE}`);
    expect(sql(`SELECT count(*) FROM savings_instructions WHERE instruction_reference LIKE 'dw-%' AND status <> 'Processed'`)).toBe('0');
    expect(sql(`SELECT status FROM job_requests WHERE id = '${accepted.body.jobId}'`)).toBe('completed');
    expect([api.alive, worker.alive]).toEqual([true, true]);
  });

  it('a process killed between its commit and its enqueue leaves work the reconciler picks up', async () => {
    const dying = await stack.spawn('api', { TEST_EXIT_BEFORE_ENQUEUE: '1' });
    await expect(stack.call(dying, org, 'POST', `/loan-tape-configs/${configId}/generate`, {})).rejects.toThrow();
    expect(await dying.exited).toEqual({ code: 86, signal: null });
    const [tapeId, jobId] = sql(`SELECT id || ' ' || job_id FROM loan_tapes WHERE status = 'queued' ORDER BY created_at DESC LIMIT 1`).split(' ');
    expect(sql(`SELECT status FROM job_requests WHERE id = '${jobId}'`)).toBe('pending');
    // Nothing reached Redis: only the reconciler (every 5 s here, after a 10 s grace) can run it.
    const tape = await until(() => call('GET', `/loan-tapes/${tapeId}`), (r) => r.body.status === 'completed', 'the orphaned tape', 60_000);
    expect(tape.body.row_count).toBe(20);
    expect((await call('GET', `/jobs/${jobId}`)).body).toMatchObject({ state: 'completed' });
  });
});
