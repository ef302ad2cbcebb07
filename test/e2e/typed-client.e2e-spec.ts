import { randomUUID } from 'node:crypto';
import { PROGRAM_A } from '../factories/loans';
import { newOrg, startApp, TestApp, tokenFor } from '../support/app';
import { awayFromUtcMidnight } from '../support/clock';
import { covered, TypedClient, typedClient } from '../support/typed-client';

/**
 * Real endpoints through a client generated from openapi.json. Two guarantees: `npm run typecheck`
 * fails when a field used here leaves the schema, and every answer is checked against its schema at
 * run time (typed-client.ts), so a view that drifts from the contract fails this suite.
 */
describe('typed client (openapi.json, e2e)', () => {
  let t: TestApp;
  let api: TypedClient;
  let owner: TypedClient;
  const org = newOrg();
  let today: string;

  beforeAll(async () => {
    await awayFromUtcMidnight(30_000);
    today = new Date().toISOString().slice(0, 10);
    t = await startApp();
    api = typedClient(t.url, tokenFor(t.config, org, 'admin'));
    owner = typedClient(t.url, tokenFor(t.config, org, 'owner'));
  });
  afterAll(async () => {
    await t.close();
  });

  /** Polls GET /jobs/{id} through the typed client until the job settles. */
  async function settled(jobId: string) {
    for (let i = 0; i < 600; i++) {
      const { data } = await api.GET('/jobs/{id}', { params: { path: { id: jobId } } });
      if (data && (data.state === 'completed' || data.state === 'failed')) return data;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${jobId} did not settle`);
  }

  let loanId: string;
  let portfolioId: string;

  it('loans: create, read, update, list (page and keyset)', async () => {
    const created = await api.POST('/loans', {
      body: {
        loan_number: `TC-${randomUUID().slice(0, 8)}`, borrower_name: 'Ada Lovelace', program_id: PROGRAM_A,
        origination_date: '2026-01-15', original_principal: '10000.00', principal_balance: '8000.10',
        interest_rate: '0.0780', term_months: 36,
      },
    });
    expect(created.response.status).toBe(201);
    loanId = created.data!.id;
    expect(created.data!.principal_balance).toBe('8000.10');
    expect(created.data!.interest_rate).toBe('0.078');

    const one = await api.GET('/loans/{id}', { params: { path: { id: loanId } } });
    const version: number = one.data!.version;
    const updated = await api.PUT('/loans/{id}', {
      params: { path: { id: loanId }, header: { 'If-Match': `"${version}"` } },
      body: { days_past_due: 45 },
    });
    expect(updated.data!.delinquency_bucket).toBe('dpd_30_59');

    const page = await api.GET('/loans', { params: { query: { page_size: 10, status: ['active', 'defaulted'] } } });
    expect(page.data!.count).toBe(1);
    const keyset = await api.GET('/loans', { params: { query: { cursor: '' } } });
    expect(keyset.data!.count).toBeNull();
    expect(keyset.data!.results.map((l) => l.id)).toEqual([loanId]);
  });

  it('portfolios: create, assign, read, list, loans in it', async () => {
    const created = await api.POST('/portfolios', { body: { name: `TC ${randomUUID()}`, portfolio_type: 'static' } });
    expect(created.response.status).toBe(201);
    portfolioId = created.data!.id;
    const assigned = await api.POST('/portfolios/{id}/loans', { params: { path: { id: portfolioId } }, body: { loan_ids: [loanId] } });
    expect(assigned.data!.assigned).toBe(1);
    const one = await api.GET('/portfolios/{id}', { params: { path: { id: portfolioId } } });
    expect(one.data!.total_outstanding).toBe('8000.10');
    const list = await api.GET('/portfolios', { params: { query: { portfolio_type: ['static'] } } });
    expect(list.data!.results.map((p) => p.id)).toContain(portfolioId);
    const loans = await api.GET('/portfolios/{id}/loans', { params: { path: { id: portfolioId } } });
    expect(loans.data!.results[0].portfolio_id).toBe(portfolioId);
  });

  it('snapshots: run job, portfolio snapshot, loan snapshots, vintages', async () => {
    const run = await api.POST('/snapshot-runs', { body: { snapshot_date: today } });
    expect(run.response.status).toBe(202);
    const job = await settled(run.data!.job_id);
    expect(job.state).toBe('completed');

    const snap = await api.POST('/portfolios/{id}/snapshots', { params: { path: { id: portfolioId } }, body: {} });
    expect(snap.data!.by_bucket.dpd_30_59).toBe(1);
    expect(snap.data!.by_bucket_balance.dpd_30_59).toBe('8000.10');
    const list = await api.GET('/portfolios/{id}/snapshots', { params: { path: { id: portfolioId }, query: { date_from: today } } });
    expect(list.data!.results[0].snapshot_date).toBe(today);
    const loanSnaps = await api.GET('/loan-snapshots', { params: { query: { loan_id: loanId } } });
    expect(loanSnaps.data!.results[0].days_past_due).toBe(45);
    const vintages = await api.GET('/portfolios/{id}/vintages', { params: { path: { id: portfolioId }, query: { period: 'quarter' } } });
    expect(vintages.data!.vintages[0].vintage).toBe('2026-Q1');
  });

  it('loan tapes: catalog, config, generate as a job, read, download', async () => {
    const catalog = await api.GET('/loan-tape-columns');
    expect(catalog.data!.map((c) => c.name)).toContain('principal_balance');
    const config = await api.POST('/loan-tape-configs', {
      body: { name: `TC tape ${randomUUID()}`, portfolio_id: portfolioId, columns: ['loan_number', 'principal_balance'] },
    });
    expect(config.data!.format).toBe('csv');
    const generated = await api.POST('/loan-tape-configs/{id}/generate', { params: { path: { id: config.data!.id } }, body: {} });
    expect(generated.response.status).toBe(202);
    expect((await settled(generated.data!.job_id)).state).toBe('completed');
    const tape = await api.GET('/loan-tapes/{id}', { params: { path: { id: generated.data!.tape_id } } });
    expect(tape.data!.row_count).toBe(1);
    const file = await api.GET('/loan-tapes/{id}/download', { params: { path: { id: tape.data!.id } }, parseAs: 'text' });
    expect(file.data).toContain('8000.10');
    const tapes = await api.GET('/loan-tapes', { params: { query: { config_id: config.data!.id } } });
    expect(tapes.data!.results).toHaveLength(1);
  });

  it('investors and API keys', async () => {
    const investor = await api.POST('/investors', { body: { name: 'Acme Capital', investor_type: 'fund' } });
    expect(investor.response.status).toBe(201);
    const read = await api.GET('/investors/{id}', { params: { path: { id: investor.data!.id } } });
    expect(read.data!.legal_name).toBeNull();
    const key = await owner.POST('/api-keys', { body: { name: 'partner', role: 'viewer' } });
    expect(key.data!.key!.length).toBeGreaterThan(20);
    const keys = await owner.GET('/api-keys');
    expect(keys.data!.results[0].revoked_at).toBeNull();
  });

  it('savings: product, client, deposit, settlement job, views (camelCase wire format)', async () => {
    const product = await api.POST('/financial-partners/products', {
      body: { name: 'Easy access', productType: 'instant_access', currencyCode: 'GBP', grossRate: 0.035 },
    });
    expect(product.data!.grossRate).toBe(0.035);
    const clientReference = `tc-${randomUUID().slice(0, 8)}`;
    const client = await api.POST('/financial-partners/clients', { body: { clientReference, clientType: 'individual', name: 'Ada' } });
    expect(client.data!.clientReference).toBe(clientReference);
    const instructionReference = randomUUID();
    const deposit = await api.POST('/financial-partners/instruction-requests/deposit', {
      body: { instructionReference, clientReference, currencyCode: 'GBP', amount: 1234567.89, productId: product.data!.productId },
    });
    expect(deposit.response.status).toBe(202);
    const run = await api.POST('/financial-partners/instruction-batches/process');
    expect((await settled(run.data!.jobId)).state).toBe('completed');

    const status = await api.GET('/financial-partners/instruction-requests/status/{instructionReference}', {
      params: { path: { instructionReference } },
    });
    expect(status.data!.status).toBe('Processed');
    const mine = await api.GET('/financial-partners/clients/{clientReference}/portfolios', { params: { path: { clientReference } } });
    expect(mine.data!.portfolioInformation[0].portfolio.depositAccounts[0].amount).toBe(1234567.89);
    const page = await api.GET('/financial-partners/portfolios', { params: { query: { PageSize: 10 } } });
    expect(page.data!.sortOrder).toBe('updatedDateDesc');
    const instructions = await api.GET('/financial-partners/instructions', { params: { query: { clientReference } } });
    expect(instructions.data!.instructions[0].instructionReference).toBe(instructionReference);
  });

  it('problems, public routes and the audit trail answer as documented', async () => {
    const missing = await api.GET('/portfolios/{id}', { params: { path: { id: randomUUID() } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error!.status).toBe(404);
    const live = await typedClient(t.url).GET('/health/live');
    expect(live.data!.status).toBe('ok');
    const audit = await api.GET('/audit-events', { params: { query: { resource_type: 'loan' } } });
    expect(audit.data!.results[0].action).toBe('loan.update');
    // Every operation this suite called answered as openapi.json says (the middleware throws otherwise).
    expect(covered.size).toBeGreaterThanOrEqual(30);
  });
});
