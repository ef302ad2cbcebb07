import { randomUUID } from 'node:crypto';
import { withOrgSql } from '../factories/db';
import { bearer, TestApp, tokenFor, waitForJob } from './app';

/** The savings calls e2e files share: one organization, admin writes, viewer reads. */
export function savingsHelpers(app: () => TestApp, org: string) {
  const admin = () => tokenFor(app().config, org, 'admin');
  const viewer = () => tokenFor(app().config, org, 'viewer');
  const post = (path: string, body: unknown) => app().http().post(path).set(bearer(admin())).send(body as object);
  const get = (path: string) => app().http().get(path).set(bearer(viewer()));

  async function runJob(path: string) {
    const res = await post(path, {});
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ jobId: expect.any(String), statusUrl: `/jobs/${res.body.jobId}` });
    const job = await waitForJob(app(), admin(), res.body.statusUrl, 60_000);
    expect(job.state).toBe('completed');
    return job.result;
  }

  async function newClient(ref = `c-${randomUUID().slice(0, 8)}`) {
    const res = await post('/financial-partners/clients', { clientReference: ref, clientType: 'individual', name: 'Ada Lovelace' });
    expect(res.status).toBe(201);
    return ref;
  }

  async function newProduct(body: Record<string, unknown>): Promise<string> {
    const res = await post('/financial-partners/products', { currencyCode: 'GBP', ...body });
    if (res.status !== 201) throw new Error(`create product: ${JSON.stringify(res.body)}`);
    return res.body.productId as string;
  }

  async function clientPortfolio(ref: string) {
    const res = await get(`/financial-partners/clients/${ref}/portfolios`);
    expect(res.status).toBe(200);
    return res.body.portfolioInformation[0];
  }

  /**
   * Fixture: moves an account's opening (and everything dated from it) back to `opening`; a
   * fixed-term account's maturity moves with it, by its product's term.
   */
  async function backdate(accountId: string, opening: string) {
    await withOrgSql(org, async (c) => {
      await c.query(
        `UPDATE savings_accounts a SET opening_date = $2::date, accrued_until = $2::date,
                opened_at = ($2::date + time '16:00') AT TIME ZONE 'UTC',
                maturity_date = ($2::date + make_interval(months => v.term_months))::date,
                matures_at = (($2::date + time '16:00') + make_interval(months => v.term_months)) AT TIME ZONE 'UTC'
           FROM savings_product_versions v
          WHERE a.id = $1 AND v.product_id = a.product_id AND v.version = a.product_version`,
        [accountId, opening],
      );
      await c.query(`UPDATE savings_movements SET effective_date = $2 WHERE account_id = $1`, [accountId, opening]);
    });
  }

  return {
    admin,
    viewer,
    post,
    get,
    newClient,
    newProduct,
    clientPortfolio,
    backdate,
    settle: () => runJob('/financial-partners/instruction-batches/process') as Promise<{ processed: number; rejected: number }>,
    accrue: () => runJob('/financial-partners/interest-accruals/process') as Promise<{ accounts: number; portfolios: number }>,
    deposit: (body: Record<string, unknown>) =>
      post('/financial-partners/instruction-requests/deposit', { instructionReference: randomUUID(), currencyCode: 'GBP', ...body }),
    withdraw: (body: Record<string, unknown>) =>
      post('/financial-partners/instruction-requests/withdraw', { instructionReference: randomUUID(), currencyCode: 'GBP', ...body }),
    close: (body: Record<string, unknown>) =>
      post('/financial-partners/instruction-requests/close-account', { instructionReference: randomUUID(), ...body }),
    revert: (instructionReference: string) => post('/financial-partners/instruction-requests/revert', { instructionReference }),
    status: async (reference: string) => (await get(`/financial-partners/instruction-requests/status/${reference}`)).body,
  };
}
