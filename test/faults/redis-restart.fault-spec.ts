import { ServiceProcess } from './support/service';
import { sleep, Stack } from './support/stack';

/**
 * Redis down is not Postgres down (§8): against a separately running API process and a
 * redis-server the suite owns, reads keep answering, job submissions fail fast with 503,
 * and both recover when Redis returns, with no restart of the service.
 */
describe('Redis stopped and restarted while the API serves reads', () => {
  const stack = new Stack();
  let api: ServiceProcess;
  let worker: ServiceProcess;
  const org = '5f0c7a2e-1d3b-4c5a-9e8f-000000000002';
  let portfolioId: string;

  beforeAll(async () => {
    await stack.start();
    [api, worker] = await Promise.all([stack.spawn('api'), stack.spawn('worker')]);
    const p = await stack.call(api, org, 'POST', '/portfolios', { name: 'Outage', portfolio_type: 'static', criteria: { currency: 'USD' } });
    portfolioId = p.body.id;
    stack.pg.psql(`
      SELECT set_config('app.org_id', '${org}', false);
      INSERT INTO loans (loan_number, borrower_name, program_id, currency, origination_date, original_principal,
                         principal_balance, interest_rate, term_months)
      SELECT 'RD-' || g, 'Borrower ' || g, gen_random_uuid(), 'USD', date '2025-01-01', 1000, 900, 0.07, 12
        FROM generate_series(1, 50) g;`);
  });
  afterAll(() => stack.destroy());

  const submit = () => stack.call(api, org, 'POST', `/portfolios/${portfolioId}/auto-assign`, undefined, 10_000);

  it('keeps reads at 200, answers submissions 503 at once, and recovers by itself', async () => {
    const accepted = await submit();
    expect(accepted.status).toBe(202);
    await stack.waitJob(api, org, accepted.body.status_url, (j) => j.state === 'completed', 30_000);

    stack.redis.stop();
    // Long enough for every client to notice and for ioredis to be in its reconnect loop.
    const outageEnds = Date.now() + 4000;
    let reads = 0;
    while (Date.now() < outageEnds) {
      const [portfolios, loans] = await Promise.all([
        stack.call(api, org, 'GET', '/portfolios', undefined, 5000),
        stack.call(api, org, 'GET', '/loans?page_size=10', undefined, 5000),
      ]);
      expect([portfolios.status, loans.status]).toEqual([200, 200]);
      expect(loans.body.count).toBe(50);
      reads += 2;
      const refused = await submit();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 503, type: expect.stringContaining('dependency-unavailable') });
      expect(refused.headers.get('retry-after')).toBeTruthy();
      expect(refused.ms).toBeLessThan(2000);
      await sleep(200);
    }
    expect(reads).toBeGreaterThan(4);
    const notReady = await stack.call(api, org, 'GET', '/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks).toEqual({ postgres: 'up', redis: 'down' });

    await stack.redis.start();
    const deadline = Date.now() + 20_000;
    let again = await submit();
    while (again.status !== 202 && Date.now() < deadline) {
      await sleep(250);
      again = await submit();
    }
    expect(again.status).toBe(202);
    // The worker reconnected too: the recovered submission is actually processed.
    const done = await stack.waitJob(api, org, again.body.status_url, (j) => ['completed', 'failed'].includes(j.state), 30_000);
    expect(done.state).toBe('completed');
    expect([api.alive, worker.alive]).toEqual([true, true]);
  });
});
