import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { JobProducer } from '../../src/jobs/job-producer';
import { sealJob } from '../../src/jobs/job-payloads';
import { jobSigningKey } from '../../src/jobs/job-signature';
import { makeJobId, QueueName } from '../../src/jobs/queues';
import { withOrgSql } from '../factories/db';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * An attacker who can write to Redis (or reach the dashboard) adds jobs straight to the queues.
 * None of them may do what the HTTP routes refuse, or act as someone the service did not name.
 */
describe('workers do not trust payloads (e2e)', () => {
  let t: TestApp;
  const victim = newOrg();
  let admin: string;
  const queue = (name: QueueName): Queue => t.app.get(JobProducer).queue(name);

  /** Adds a job as an attacker would and waits for it to settle; the job id is one GET /jobs shows. */
  async function attack(q: QueueName, name: string, data: unknown): Promise<Job> {
    const job = await queue(q).add(name, data, { jobId: makeJobId(q, 'attack', victim, randomUUID()) });
    const deadline = Date.now() + 30_000;
    let state = await job.getState();
    while (state !== 'failed' && state !== 'completed' && Date.now() < deadline) {
      await sleep(100);
      state = await job.getState();
    }
    return (await queue(q).getJob(job.id as string)) as Job;
  }

  async function expectRefused(job: Job, reason: RegExp) {
    expect({ state: await job.getState(), attemptsMade: job.attemptsMade }).toEqual({ state: 'failed', attemptsMade: 1 });
    expect(job.failedReason).toMatch(/^job refused: /);
    expect(job.failedReason).toMatch(reason);
    // The job's owner sees the same clear reason through the API.
    const seen = await t.http().get(`/jobs/${job.id}`).set(bearer(admin));
    expect(seen.body).toMatchObject({ state: 'failed', attempts_made: 1, failed_reason: job.failedReason });
  }

  const counts = () =>
    withOrgSql(victim, async (c) => {
      const one = async (sql: string) => Number((await c.query(sql, [victim])).rows[0].n);
      return {
        loanSnapshots: await one(`SELECT count(*) AS n FROM loan_snapshots WHERE organization_id = $1`),
        audit: await one(`SELECT count(*) AS n FROM audit_events WHERE organization_id = $1`),
        pending: await one(`SELECT count(*) AS n FROM savings_instructions WHERE organization_id = $1 AND status = 'Created'`),
      };
    });

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, victim, 'admin');
    await insertLoans(victim, [{}, {}, {}]);
    // Set-up, not the subject of a test: a failed step stops here with the body that explains it.
    const post = async (path: string, body: object) => {
      const res = await t.http().post(path).set(bearer(admin)).send(body);
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res;
    };
    const product = await post('/financial-partners/products', {
      name: 'Easy access', productType: 'instant_access', currencyCode: 'GBP', grossRate: '0.05',
      dayCountBasis: 'ACT/365F', interestPaidAt: 'monthly', minimumDeposit: 1, maximumDeposit: 1000000,
    });
    const ref = `c-${randomUUID().slice(0, 8)}`;
    await post('/financial-partners/clients', { clientReference: ref, clientType: 'individual', name: 'Ada' });
    await post('/financial-partners/instruction-requests/deposit', {
      instructionReference: randomUUID(), clientReference: ref, currencyCode: 'GBP', amount: 1000, productId: product.body.productId,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses jobs the service did not sign, or whose organization or actor was changed, and writes nothing', async () => {
    const before = await counts();
    expect(before).toMatchObject({ loanSnapshots: 0, pending: 1 });
    // A real job from another organization, signed by the service: the attacker copies it and re-targets it.
    const other = newOrg();
    const real = await t.http().post('/snapshot-runs').set(bearer(tokenFor(t.config, other, 'admin'))).send({});
    expect(real.status).toBe(202);
    await waitForJob(t, tokenFor(t.config, other, 'admin'), real.body.status_url);
    const signed = (await queue('snapshots').getJob(real.body.job_id))?.data as Record<string, unknown>;
    expect(signed).toMatchObject({ org: other, actorSubject: 'user-admin', sig: expect.any(String) });

    const today = day(0);
    await expectRefused(await attack('snapshots', 'snapshot-run', { ...signed, org: victim }), /signature/);
    await expectRefused(await attack('snapshots', 'snapshot-run', { org: victim, actorSubject: 'user-admin', snapshotDate: today }), /signature/);
    await expectRefused(await attack('snapshots', 'snapshot-run', { org: victim, actorSubject: 'user-owner', snapshotDate: today, sig: signed.sig }), /signature/);
    // A signed settlement of the victim's own, with the actor swapped for one the service never named.
    const forgedActor = sealJob(jobSigningKey(t.config.jwtSecret), 'savings', 'settlement', { org: victim, actorSubject: 'user-admin' });
    await expectRefused(await attack('savings', 'settlement', { ...forgedActor, actorSubject: 'user-owner' }), /signature/);
    await expectRefused(await attack('savings', 'settlement', { org: victim }), /signature/);
    await expectRefused(await attack('savings', 'accrual', { org: victim, actorSubject: 'system' }), /signature/);
    await expectRefused(await attack('auto-assign', 'auto-assign-dynamic', { org: victim }), /signature/);
    expect(await counts()).toEqual(before);
  });

  it('refuses what the HTTP routes refuse even when signed: a run not dated today, a future business date', async () => {
    const before = await counts();
    // Signed exactly as the producer signs: a job that waited in the queue past midnight, or one the producer was tricked into.
    const seal = (q: QueueName, name: string, data: Record<string, unknown>) => sealJob(jobSigningKey(t.config.jwtSecret), q, name, data);
    const actor = { org: victim, actorSubject: 'user-admin' };
    await expectRefused(await attack('snapshots', 'snapshot-run', seal('snapshots', 'snapshot-run', { ...actor, snapshotDate: day(-1) })), /snapshotDate" must be today/);
    await expectRefused(await attack('snapshots', 'snapshot-run', seal('snapshots', 'snapshot-run', { ...actor, snapshotDate: day(1) })), /snapshotDate" must be today/);
    await expectRefused(await attack('snapshots', 'snapshot-run', { ...actor, snapshotDate: day(-1) }), /signature/);
    await expectRefused(await attack('savings', 'accrual', seal('savings', 'accrual', { ...actor, businessDate: day(1) })), /businessDate" must not be after today/);
    await expectRefused(await attack('savings', 'accrual', seal('savings', 'accrual', { ...actor, businessDate: day(400) })), /businessDate" must not be after today/);
    await expectRefused(await attack('savings', 'settlement', seal('savings', 'settlement', { ...actor, businessDate: day(1) })), /businessDate" must not be after today/);
    await expectRefused(await attack('savings', 'settlement', seal('savings', 'settlement', { ...actor, extra: 'x' })), /unexpected field "extra"/);
    await expectRefused(await attack('auto-assign', 'auto-assign', seal('auto-assign', 'auto-assign', { ...actor, portfolioId: 'x' })), /portfolioId" must be a uuid/);
    expect(await counts()).toEqual(before);
  });

  it('refuses an unknown job name, and a fan-out that carries data', async () => {
    const before = await counts();
    await expectRefused(await attack('snapshots', 'wipe-history', { org: victim }), /unknown job "wipe-history" on queue snapshots/);
    await expectRefused(await attack('savings', 'payout', { org: victim, amount: '1000000.00' }), /unknown job "payout"/);
    await expectRefused(await attack('snapshots', 'fan-out', { org: victim, snapshotDate: day(-1) }), /unexpected field "org"/);
    expect(await counts()).toEqual(before);
  });

  it('still runs what the service itself enqueues: the same settlement through HTTP settles the deposit', async () => {
    const res = await t.http().post('/financial-partners/instruction-batches/process').set(bearer(admin)).send({});
    expect(res.status).toBe(202);
    const job = await waitForJob(t, admin, res.body.statusUrl);
    expect(job).toMatchObject({ state: 'completed', result: { processed: 1, rejected: 0 } });
    expect((await counts()).pending).toBe(0);
  });
});
