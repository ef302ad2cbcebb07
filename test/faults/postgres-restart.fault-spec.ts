import { ServiceProcess } from './support/service';
import { Reply, sleep, Stack } from './support/stack';

/** Postgres going away must cost requests a clean 503, never the process or its pool. */
describe('Postgres stopped and restarted under a running API', () => {
  const stack = new Stack();
  let api: ServiceProcess;
  const org = '5f0c7a2e-1d3b-4c5a-9e8f-000000000001';
  const read = () => stack.call(api, org, 'GET', '/portfolios', undefined, 15_000);

  beforeAll(async () => {
    await stack.start();
    api = await stack.spawn('api');
    // Fill the pool with several open connections, so the outage has live ones to break.
    await Promise.all(Array.from({ length: 8 }, (_, i) => stack.call(api, org, 'POST', '/portfolios', { name: `P${i}`, portfolio_type: 'static' })));
  });
  afterAll(() => stack.destroy());

  const expectCleanUnavailable = (r: Reply) => {
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 503, type: expect.stringMatching(/^https:\/\//), detail: expect.any(String) });
    expect(JSON.stringify(r.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|\bat .*\.js:\d+/);
  };

  it('answers 503 problem+json at once while Postgres is down and serves 200 again after it returns', async () => {
    expect((await read()).status).toBe(200);
    stack.pg.stop();

    for (const attempt of [read(), read(), stack.call(api, org, 'POST', '/portfolios', { name: 'During', portfolio_type: 'static' })]) {
      const r = await attempt;
      expectCleanUnavailable(r);
      expect(r.ms).toBeLessThan(5000);
    }
    const ready = await stack.call(api, org, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toEqual({ postgres: 'down', redis: 'up' });
    expect(api.alive).toBe(true);

    stack.pg.start();
    const deadline = Date.now() + 20_000;
    let back = await read();
    while (back.status !== 200 && Date.now() < deadline) {
      await sleep(250);
      back = await read();
    }
    expect(back.status).toBe(200);
    expect(back.body.count).toBe(8);
    expect(api.alive).toBe(true);
  });

  it('after pg_ctl restart -m fast, the same process serves every request without a restart (dead connections are dropped)', async () => {
    if (!stack.pg.running) stack.pg.start();
    const pid = api.pid;
    // Warm the pool again: every connection in it dies with the restart.
    expect((await Promise.all(Array.from({ length: 8 }, read))).map((r) => r.status)).toEqual(Array(8).fill(200));
    stack.pg.restart();

    const after = await Promise.all(Array.from({ length: 12 }, read));
    expect(after.map((r) => r.status)).toEqual(Array(12).fill(200));
    const write = await stack.call(api, org, 'POST', '/portfolios', { name: 'After restart', portfolio_type: 'static' });
    expect(write.status).toBe(201);
    expect((await stack.call(api, org, 'GET', '/health/ready')).status).toBe(200);
    expect(api.pid).toBe(pid);
    expect(api.alive).toBe(true);
  });
});
