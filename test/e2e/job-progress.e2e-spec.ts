import { ConnectionOptions, QueueEvents } from 'bullmq';
import { seedSavings } from '../../scripts/seed/savings';
import { redisOptionsFromUrl } from '../../src/jobs/redis';
import { withOrgSql } from '../factories/db';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

/** Issue 14.5: long work reports real progress (percent plus counts) while it runs. */
describe('job progress (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;
  const events = new Map<string, unknown[]>();
  const listeners: QueueEvents[] = [];

  const listen = async (queue: string) => {
    const qe = new QueueEvents(queue, { connection: redisOptionsFromUrl(t.config.redisUrl) as ConnectionOptions, prefix: t.config.queuePrefix });
    qe.on('progress', ({ jobId, data }) => events.set(jobId, [...(events.get(jobId) ?? []), data]));
    await qe.waitUntilReady();
    listeners.push(qe);
  };
  const percents = (jobId: string) => (events.get(jobId) ?? []).map((p) => (p as { percent: number }).percent);

  beforeAll(async () => {
    // 2 000 loans in chunks of 200: ten chunks, so the run reports ten steps.
    t = await startApp({ SNAPSHOT_RUN_CHUNK_LOANS: '200' });
    admin = tokenFor(t.config, org, 'admin');
    await listen('snapshots');
    await listen('savings');
    await withOrgSql(org, (c) =>
      c.query(`INSERT INTO loans (loan_number, borrower_name, program_id, currency, origination_date, original_principal,
                                  principal_balance, interest_rate, term_months)
               SELECT 'PG-' || g, 'Borrower ' || g, gen_random_uuid(), 'USD', date '2025-01-01', 1000, 900, 0.07, 12
                 FROM generate_series(1, 2000) g`),
    );
  });
  afterAll(async () => {
    await Promise.all(listeners.map((l) => l.close()));
    await t.close();
  });

  it('a snapshot run reports loans written chunk by chunk, then portfolios done', async () => {
    const accepted = await t.http().post('/snapshot-runs').set(bearer(admin)).send({});
    expect(accepted.status).toBe(202);
    const done = await waitForJob(t, admin, accepted.body.status_url);
    expect(done).toMatchObject({ state: 'completed', progress: 100, progress_detail: { loans_written: 2000, loans_total: 2000, portfolios_done: 0 } });
    const seen = percents(accepted.body.job_id);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // 0, then one step per chunk of about 200 (ten uuid ranges; ids are random, so sizes vary), then 100.
    expect(new Set(seen.filter((p) => p > 0 && p < 100)).size).toBeGreaterThanOrEqual(5);
    // Each step is the loans written so far within [0, 90]: e.g. 1 011 of 2 000 → floor(90 × 1011 / 2000) = 45.
    for (const p of events.get(accepted.body.job_id) as { percent: number; loans_written: number; loans_total: number }[]) {
      expect(p.loans_total).toBe(2000);
      if (p.percent < 100) expect(p.percent).toBe(Math.floor((90 * p.loans_written) / 2000));
    }
  });

  it('a settlement run reports instructions done of total', async () => {
    await withOrgSql(org, async (c) => {
      await seedSavings(c, 500, { accrue: false });
      await c.query(`INSERT INTO savings_instructions (instruction_reference, request_fingerprint, kind, client_id, portfolio_id,
                                                       currency_code, amount, product_id, product_version, date_to_be_actioned)
                     SELECT 'pg-' || pf.id, 'pg', 'deposit', pf.client_id, pf.id, 'GBP', 100, pr.id, 1, now() - interval '1 minute'
                       FROM (SELECT * FROM savings_portfolios WHERE organization_id = app_org() ORDER BY id LIMIT 500) pf
                      CROSS JOIN (SELECT id FROM savings_products WHERE organization_id = app_org() AND product_type = 'instant_access' LIMIT 1) pr`);
    });
    const accepted = await t.http().post('/financial-partners/instruction-batches/process').set(bearer(admin));
    expect(accepted.status).toBe(202);
    const done = await waitForJob(t, admin, accepted.body.statusUrl);
    expect(done).toMatchObject({ state: 'completed', progress: 100, progress_detail: { instructions_done: 500, instructions_total: 500, processed: 500 } });
    // Batches of 200: 0, 40 (200 of 500), 80 (400), 100.
    expect(percents(accepted.body.jobId)).toEqual([0, 40, 80, 100]);
  });
});
