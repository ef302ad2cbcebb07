import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ServiceProcess } from './support/service';
import { sleep, Stack } from './support/stack';

const LOANS = 240_000;
const MATCHING = 180_000;
const MATCH = 'a1a1a1a1-0000-4000-8000-00000000fa17';
const OTHER = 'b2b2b2b2-0000-4000-8000-00000000fa17';
// A killed worker's job is retried only once its 30 s lock has lapsed and a stalled check runs.
const RETRY_BUDGET_MS = 150_000;

async function until(probe: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * §8: a retried job leaves the data of one clean run. Each case kills a worker process with
 * SIGKILL while its job is mid-way through the real work, starts a new worker, and checks the
 * data once the retried job completes.
 */
describe('a worker killed mid-job: the retried job leaves exactly one clean run', () => {
  const stack = new Stack();
  let api: ServiceProcess;
  const org = '5f0c7a2e-1d3b-4c5a-9e8f-000000000004';
  const sql = (q: string) => stack.pg.psql(`SELECT set_config('app.org_id', '${org}', false) \\g /dev/null\n${q}`);
  const num = (q: string) => Number(sql(q));
  const call = (method: string, url: string, body?: unknown) => stack.call(api, org, method, url, body);
  const running = (pattern: string) => () => num(`SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '${pattern}'`) > 0;

  /** Idle workers leave gracefully; each case starts from exactly one fresh worker. */
  async function freshWorker(env: Record<string, string> = {}): Promise<ServiceProcess> {
    await Promise.all(stack.processes.filter((p) => p.role === 'worker' && p.alive).map((p) => p.kill('SIGTERM')));
    return stack.spawn('worker', env);
  }

  async function crash(worker: ServiceProcess, backendQuery?: string): Promise<ServiceProcess> {
    await worker.kill('SIGKILL');
    // The dead worker's backend runs on until it notices its client is gone, then rolls back.
    if (backendQuery) await until(() => !running(backendQuery)(), 'the orphaned backend to end', 60_000, 200);
    return stack.spawn('worker');
  }

  const finished = (statusUrl: string) =>
    stack.waitJob(api, org, statusUrl, (j) => ['completed', 'failed'].includes(j?.state), RETRY_BUDGET_MS);

  beforeAll(async () => {
    await stack.start();
    stack.pg.psql(`INSERT INTO organizations (id) VALUES ('${org}')`);
    sql(`
      INSERT INTO loans (loan_number, borrower_name, program_id, currency, origination_date, original_principal,
                         principal_balance, interest_rate, term_months, days_past_due, status)
      SELECT 'FL-' || lpad(g::text, 7, '0'), 'Borrower ' || g,
             (CASE WHEN g % 4 = 0 THEN '${OTHER}' ELSE '${MATCH}' END)::uuid, 'USD',
             date '2024-01-01' + (g % 700), 10000, 8000 + (g % 997), 0.07, 36, g % 100, 'active'
        FROM generate_series(1, ${LOANS}) g;`);
    stack.pg.psql('VACUUM ANALYZE loans');
    api = await stack.spawn('api');
  });
  afterAll(() => stack.destroy());

  it('auto-assign: every matching loan lands in the portfolio once, loan_count agrees, one audit event', async () => {
    const created = await call('POST', '/portfolios', { name: 'Crash assign', portfolio_type: 'static', criteria: { program_id: MATCH } });
    expect(created.status).toBe(201);
    const pid = created.body.id as string;
    const worker = await freshWorker();

    const res = await call('POST', `/portfolios/${pid}/auto-assign`);
    expect(res.status).toBe(202);
    await until(running('WITH moved AS%'), 'the assigning UPDATE to run');
    await crash(worker, 'WITH moved AS%');
    // The crashed attempt committed nothing.
    expect(num(`SELECT count(*) FROM loans WHERE portfolio_id = '${pid}'`)).toBe(0);

    const job = await finished(res.body.status_url);
    expect(job).toMatchObject({ state: 'completed', result: { assigned: MATCHING } });
    expect(sql(`SELECT program_id, count(*) FROM loans WHERE portfolio_id = '${pid}' GROUP BY 1`)).toBe(`${MATCH}|${MATCHING}`);
    expect(num(`SELECT count(*) FROM loans WHERE program_id = '${MATCH}' AND portfolio_id IS DISTINCT FROM '${pid}'`)).toBe(0);
    expect((await call('GET', `/portfolios/${pid}`)).body).toMatchObject({ loan_count: MATCHING });
    const audit = await call('GET', `/audit-events?action=portfolio.auto_assign&resource_id=${pid}`);
    expect(audit.body.count).toBe(1);
    expect(audit.body.results[0].details).toEqual({ assigned: MATCHING });
  });

  it('tape generation: completed with every row, one file and no temporary leftovers, sha256 of the bytes served', async () => {
    const config = await call('POST', '/loan-tape-configs', {
      name: 'Crash tape',
      format: 'csv',
      columns: ['id', 'loan_number', 'borrower_name', 'program_id', 'origination_date', 'original_principal',
        'principal_balance', 'interest_rate', 'term_months', 'days_past_due', 'delinquency_bucket', 'status', 'as_of_date'],
    });
    expect(config.status).toBe(201);
    const worker = await freshWorker();
    const dir = path.join(stack.tapeDir, org);
    const files = () => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    };

    const res = await call('POST', `/loan-tape-configs/${config.body.id}/generate`, {});
    expect(res.status).toBe(202);
    const tapeId = res.body.tape_id as string;
    const halfWritten = () =>
      files().some((f) => f.endsWith('.tmp') && (statSync(path.join(dir, f), { throwIfNoEntry: false })?.size ?? 0) > 4_000_000);
    await until(halfWritten, 'the tape to be half written');
    await crash(worker);
    expect((await call('GET', `/loan-tapes/${tapeId}`)).body.status).toBe('running');

    const job = await finished(res.body.status_url);
    expect(job.state).toBe('completed');
    const tape = (await call('GET', `/loan-tapes/${tapeId}`)).body;
    expect(tape).toMatchObject({ status: 'completed', row_count: LOANS });
    expect(files()).toEqual([`${tapeId}.csv`]);
    const download = await fetch(`${api.url}/loan-tapes/${tapeId}/download`, { headers: { Authorization: `Bearer ${stack.token(org)}` } });
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(tape.byte_size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(tape.sha256);
    expect(bytes.toString('utf8').trimEnd().split('\n').length).toBe(LOANS + 1);
  });

  it('snapshot run: one loan snapshot per loan and one portfolio snapshot per active or sold portfolio', async () => {
    sql(`
      WITH p AS (INSERT INTO portfolios (name, portfolio_type, status) VALUES
                   ('Snap active', 'static', 'active'), ('Snap sold', 'static', 'sold'), ('Snap archived', 'static', 'archived')
                 RETURNING id, name)
      UPDATE loans l SET portfolio_id = p.id
        FROM p WHERE l.program_id = '${OTHER}' AND l.portfolio_id IS NULL
         AND (p.name, right(l.loan_number, 1)) IN (('Snap active', '2'), ('Snap sold', '4'), ('Snap archived', '6'));`);
    const expected = sql(`
      SELECT string_agg(p.id || ':' || (SELECT count(*) FROM loans l WHERE l.portfolio_id = p.id), ',' ORDER BY p.id)
        FROM portfolios p WHERE p.organization_id = '${org}' AND p.status IN ('active', 'sold')`);
    expect(expected.split(',').length).toBeGreaterThanOrEqual(2);
    const worker = await freshWorker();

    const res = await call('POST', '/snapshot-runs', {});
    expect(res.status).toBe(202);
    await until(running('/* snapshot-run chunk */%'), 'the snapshot INSERT to run');
    await crash(worker, '/* snapshot-run chunk */%');
    const today = "(now() AT TIME ZONE 'UTC')::date";
    expect(num(`SELECT count(*) FROM loan_snapshots WHERE organization_id = '${org}' AND snapshot_date = ${today}`)).toBe(0);

    const job = await finished(res.body.status_url);
    expect(job).toMatchObject({ state: 'completed', result: { loan_snapshots: LOANS } });
    expect(sql(`SELECT count(*) || '/' || count(DISTINCT loan_id) FROM loan_snapshots WHERE organization_id = '${org}' AND snapshot_date = ${today}`))
      .toBe(`${LOANS}/${LOANS}`);
    expect(sql(`
      SELECT string_agg(portfolio_id || ':' || total_loans, ',' ORDER BY portfolio_id)
        FROM portfolio_snapshots WHERE organization_id = '${org}' AND snapshot_date = ${today}`)).toBe(expected);
    expect(num(`SELECT count(*) FROM audit_events WHERE organization_id = '${org}' AND action = 'snapshot_run.complete'`)).toBe(1);
  });

  it('settlement run: every instruction processed once, balances equal the deposits, one version bump per portfolio', async () => {
    const CLIENTS = 4000;
    const TOPUPS = 5;
    const product = await call('POST', '/financial-partners/products', {
      name: 'Crash saver', productType: 'instant_access', currencyCode: 'GBP', grossRate: '0.04',
      dayCountBasis: 'ACT/365F', interestPaidAt: 'monthly', minimumDeposit: 1, maximumDeposit: 1000000,
    });
    expect(product.status).toBe(201);
    const productId = product.body.productId as string;
    // Each client: an existing empty account with TOPUPS top-ups due, and one deposit opening a new account.
    sql(`
      INSERT INTO savings_clients (client_reference, client_type, name)
      SELECT 'crash-' || g, 'individual', 'Saver ' || g FROM generate_series(1, ${CLIENTS}) g;
      INSERT INTO savings_portfolios (client_id, currency_code) SELECT id, 'GBP' FROM savings_clients WHERE organization_id = app_org();
      INSERT INTO savings_accounts (portfolio_id, product_id, product_version, opened_at, opening_date, amount, accrued_until)
      SELECT id, ${productId}, 1, now(), current_date, 0, current_date FROM savings_portfolios WHERE organization_id = app_org();
      INSERT INTO savings_instructions (instruction_reference, request_fingerprint, kind, client_id, portfolio_id, currency_code,
                                        amount, product_id, product_version, account_id, date_to_be_actioned)
      SELECT 'crash-' || a.id || '-' || k, 'fault', 'deposit', pf.client_id, pf.id, 'GBP', (a.id % 97) + k * 10.25,
             ${productId}, 1, CASE WHEN k <= ${TOPUPS} THEN a.id END, now() - interval '1 minute'
        FROM savings_accounts a JOIN savings_portfolios pf ON pf.id = a.portfolio_id
        CROSS JOIN generate_series(1, ${TOPUPS + 1}) k
       WHERE a.organization_id = app_org()
       ORDER BY random();`);
    stack.pg.psql('VACUUM ANALYZE savings_instructions, savings_accounts, savings_portfolios');
    const total = CLIENTS * (TOPUPS + 1);
    const processed = () => num(`SELECT count(*) FROM savings_instructions WHERE organization_id = '${org}' AND status = 'Processed'`);
    const worker = await freshWorker();

    const res = await call('POST', '/financial-partners/instruction-batches/process', {});
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ jobId: expect.any(String), statusUrl: `/jobs/${res.body.jobId}` });
    await until(() => processed() >= 600, 'settlement to be under way', 60_000, 5);
    await crash(worker);
    const atCrash = processed();
    expect(atCrash).toBeLessThan(total);

    const job = await finished(res.body.statusUrl);
    expect(job.state).toBe('completed');
    expect(sql(`SELECT string_agg(status || ':' || n, ',' ORDER BY status) FROM
                  (SELECT status, count(*) n FROM savings_instructions WHERE organization_id = '${org}' GROUP BY 1) s`)).toBe(`Processed:${total}`);
    expect(sql(`SELECT count(*) || '/' || count(DISTINCT instruction_id) FROM savings_movements WHERE organization_id = '${org}'`)).toBe(`${total}/${total}`);
    // Top-ups: the seeded account holds exactly its instructions' sum. New-account deposits: one account each.
    expect(num(`
      SELECT count(*) FROM savings_accounts a
       WHERE a.organization_id = '${org}'
         AND a.amount <> (SELECT coalesce(sum(i.amount), 0) FROM savings_instructions i WHERE i.account_id = a.id)`)).toBe(0);
    expect(sql(`SELECT count(*) || '/' || count(DISTINCT portfolio_id) FROM savings_accounts WHERE organization_id = '${org}'`))
      .toBe(`${CLIENTS * 2}/${CLIENTS}`);
    expect(num(`SELECT count(*) FROM savings_instructions WHERE organization_id = '${org}' AND account_id IS NULL`)).toBe(0);
    // One run is one visible change per portfolio, also across the retry (§9).
    expect(sql(`SELECT string_agg(DISTINCT version::text, ',') FROM savings_portfolios WHERE organization_id = '${org}'`)).toBe('2');
  });

  it('a worker sent SIGTERM mid-job finishes the job before it exits', async () => {
    // A whole snapshot run over LOANS takes longer than the default 10 s guard on this machine.
    const worker = await freshWorker({ SHUTDOWN_TIMEOUT_MS: '120000' });
    const res = await call('POST', '/snapshot-runs', {});
    expect(res.status).toBe(202);
    await until(running('/* snapshot-run chunk */%'), 'the snapshot INSERT to run');
    const exit = await worker.kill('SIGTERM');
    // Exit code 1 would be the shutdown-timeout guard cutting the job off.
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(worker.logTail(200)).not.toContain('graceful shutdown timed out');
    const job = (await call('GET', res.body.status_url)).body;
    expect(job).toMatchObject({ state: 'completed', result: { loan_snapshots: LOANS } });
    expect(num(`SELECT count(*) FROM loan_snapshots WHERE organization_id = '${org}' AND snapshot_date = (now() AT TIME ZONE 'UTC')::date`)).toBe(LOANS);
  });
});
