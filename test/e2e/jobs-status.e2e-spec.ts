import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/** GET /jobs/{id} (§8): what a poller sees is one consistent reading of the job. */
describe('job status (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  it('never shows a completed job without its result and finish time, however tightly it is polled', async () => {
    const portfolios: string[] = [];
    for (let i = 0; i < 12; i++) {
      const p = await t.http().post('/portfolios').set(bearer(admin)).send({ name: `Poll ${i}`, portfolio_type: 'static', criteria: { currency: 'USD' } });
      expect(p.status).toBe(201);
      portfolios.push(p.body.id);
    }
    const torn: unknown[] = [];
    let polls = 0;
    // Rounds of jobs, each polled by several tight loops at once from the moment it is accepted.
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        portfolios.map(async (id) => {
          const accepted = await t.http().post(`/portfolios/${id}/auto-assign`).set(bearer(admin));
          expect(accepted.status).toBe(202);
          const url = `${t.url}${accepted.body.status_url}`;
          const poll = async () => {
            for (;;) {
              const res = await fetch(url, { headers: bearer(admin) });
              const body = (await res.json()) as Record<string, unknown>;
              polls++;
              if (body.state === 'completed') {
                if (body.result === null || body.finished_at === null) torn.push(body);
                return;
              }
              if (body.state === 'failed') throw new Error(JSON.stringify(body));
            }
          };
          await Promise.all([poll(), poll(), poll()]);
        }),
      );
    }
    expect(polls).toBeGreaterThan(100);
    expect(torn).toEqual([]);
  });
});
