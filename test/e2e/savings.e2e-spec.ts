import { randomUUID } from 'node:crypto';
import { Big } from '../../src/common/money/decimal';
import { catchUp } from '../../src/modules/savings/accrual';
import { addDays } from '../../src/modules/savings/calendar';
import { withOrgSql } from '../factories/db';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';
import { awayFromUtcMidnight } from '../support/clock';
import { savingsHelpers } from '../support/savings';

const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}\+00:00$/;
const ID = /^\d+$/;

describe('savings (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const { admin, viewer, post, get, settle, accrue, newClient, deposit, withdraw, clientPortfolio, backdate } = savingsHelpers(() => t, org);
  let fixedId: string;
  let instantId: string;
  let noticeId: string;

  beforeAll(async () => {
    t = await startApp();
    const fixed = await post('/financial-partners/products', {
      name: 'One-year bond', productType: 'fixed_term', currencyCode: 'GBP', grossRate: 0.045, termMonths: 12,
      dayCountBasis: 'ACT/365F', interestPaidAt: 'maturity', minimumDeposit: 100, maximumDeposit: '100000',
    });
    if (fixed.status !== 201) throw new Error(`create product: ${JSON.stringify(fixed.body)}`);
    fixedId = fixed.body.productId;
    const instant = await post('/financial-partners/products', {
      name: 'Easy access', productType: 'instant_access', currencyCode: 'GBP', grossRate: '0.05',
      dayCountBasis: 'ACT/365F', interestPaidAt: 'monthly', minimumDeposit: 1, maximumDeposit: 1000000,
    });
    instantId = instant.body.productId;
    const notice = await post('/financial-partners/products', {
      name: '30-day notice', productType: 'notice', currencyCode: 'GBP', grossRate: 0.048, noticeDays: 30,
      dayCountBasis: 'ACT/360', interestPaidAt: 'monthly',
    });
    noticeId = notice.body.productId;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('paging', () => {
    it('answers an empty first page with pageCount 0', async () => {
      const res = await t.http().get('/financial-partners/portfolios').set(bearer(tokenFor(t.config, newOrg(), 'viewer')));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ portfolioInformation: [], pageNumber: 1, pageCount: 0, sortOrder: 'updatedDateDesc' });
    });

    it.each([
      ['PageSize=0', 'PageSize'],
      ['PageSize=501', 'PageSize'],
      ['PageNumber=0', 'PageNumber'],
      ['PageNumber=abc', 'PageNumber'],
      ['PageNumber=1.5', 'PageNumber'],
    ])('answers 400 problem+json for %s naming %s', async (query, field) => {
      const res = await get(`/financial-partners/portfolios?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('clients and products', () => {
    it('creates a client (201), refuses a repeated reference (409) and reads it back', async () => {
      const ref = await newClient();
      const again = await post('/financial-partners/clients', { clientReference: ref, clientType: 'company', name: 'Other' });
      expect(again.status).toBe(409);
      const res = await get(`/financial-partners/clients/${ref}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ clientId: expect.stringMatching(ID), clientReference: ref, clientType: 'individual', name: 'Ada Lovelace', dateCreatedUTC: expect.stringMatching(TS) });
      expect((await get('/financial-partners/clients/nobody')).status).toBe(404);
    });

    it('creates a product at version 1; a rate change makes version 2, a name change does not', async () => {
      const created = await post('/financial-partners/products', {
        name: 'Saver', productType: 'instant_access', currencyCode: 'EUR', grossRate: 0.03,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ productId: expect.stringMatching(ID), productVersion: 1, grossRate: 0.03, dayCountBasis: 'ACT/365F' });
      const id = created.body.productId;
      const renamed = await t.http().put(`/financial-partners/products/${id}`).set(bearer(admin())).send({ name: 'Saver+' });
      expect(renamed.body).toMatchObject({ productVersion: 1, name: 'Saver+' });
      const repriced = await t.http().put(`/financial-partners/products/${id}`).set(bearer(admin())).send({ grossRate: '0.035' });
      expect(repriced.status).toBe(200);
      expect(repriced.body).toMatchObject({ productVersion: 2, grossRate: 0.035 });
      expect((await get(`/financial-partners/products/${id}`)).body.productVersion).toBe(2);
      const list = await get('/financial-partners/products');
      expect(list.body.products.map((p: { productId: string }) => p.productId)).toContain(id);
    });

    it('refuses a fixed-term product without a term (400 naming termMonths)', async () => {
      const res = await post('/financial-partners/products', { name: 'x', productType: 'fixed_term', currencyCode: 'GBP', grossRate: 0.04 });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('termMonths');
    });
  });

  describe('instructions', () => {
    it('is idempotent on instructionReference: same body → same 202, different body → 409', async () => {
      const ref = await newClient();
      const body = { instructionReference: randomUUID(), clientReference: ref, currencyCode: 'GBP', amount: 1000, productId: instantId };
      const first = await post('/financial-partners/instruction-requests/deposit', body);
      expect(first.status).toBe(202);
      expect(first.body).toEqual({ instructionReference: body.instructionReference, status: 'Created' });
      const again = await post('/financial-partners/instruction-requests/deposit', { ...body, amount: '1000.00' });
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      const other = await post('/financial-partners/instruction-requests/deposit', { ...body, amount: 1001 });
      expect(other.status).toBe(409);
      // The repeat changed nothing: one pending item, portfolio still at version 1.
      const view = await clientPortfolio(ref);
      expect(view.portfolio.portfolioVersion).toBe(1);
      const pending = await get(`/financial-partners/instructions?clientReference=${ref}&status=pending`);
      expect(pending.body.instructions).toHaveLength(1);
    });

    it('refuses a deposit outside the product limits (422), an unknown client (422) and bad amounts (400)', async () => {
      const ref = await newClient();
      expect((await deposit({ clientReference: ref, amount: 50, productId: fixedId })).status).toBe(422);
      expect((await deposit({ clientReference: ref, amount: 100000.01, productId: fixedId })).status).toBe(422);
      expect((await deposit({ clientReference: 'ghost', amount: 500, productId: fixedId })).status).toBe(422);
      const bad = await deposit({ clientReference: ref, amount: '10.001', productId: fixedId });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('amount');
      expect((await deposit({ clientReference: ref, amount: 500 })).status).toBe(400);
      expect((await deposit({ clientReference: ref, amount: 500, productId: fixedId, currencyCode: 'EUR' })).status).toBe(422);
    });

    it('shows pending items with every field, then settles them; one run bumps the version once', async () => {
      const ref = await newClient();
      const d1 = await deposit({ clientReference: ref, amount: 2500.5, productId: instantId });
      expect(d1.status).toBe(202);
      const d2 = await deposit({ clientReference: ref, amount: '1200', productId: noticeId });
      expect(d2.status).toBe(202);

      const page = await get('/financial-partners/portfolios?PageNumber=1&PageSize=500');
      expect(page.status).toBe(200);
      const mine = page.body.portfolioInformation.find((p: { clientReference: string }) => p.clientReference === ref);
      expect(mine.portfolio).toEqual({ portfolioId: expect.stringMatching(ID), portfolioVersion: 2, currencyCode: 'GBP', depositAccounts: [] });
      expect(mine.pendingPaymentBatchItems).toHaveLength(2);
      expect(mine.pendingPaymentBatchItems[0]).toEqual({
        pendingBatchItemId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        instructionReference: d1.body.instructionReference,
        pendingBatchType: 'deposit',
        depositAccountId: '',
        productId: instantId,
        productVersion: '1',
        dateAddedUTC: expect.stringMatching(TS),
        dateToBeActionedUTC: expect.stringMatching(TS),
        amount: 2500.5,
      });

      const result = await settle();
      expect(result.processed).toBeGreaterThanOrEqual(2);
      const status = await get(`/financial-partners/instruction-requests/status/${d1.body.instructionReference}`);
      expect(status.body).toEqual({ instructionReference: d1.body.instructionReference, status: 'Processed', reason: null });

      const after = await get('/financial-partners/portfolios?PageSize=500');
      const settled = after.body.portfolioInformation.find((p: { clientReference: string }) => p.clientReference === ref);
      expect(settled.portfolio.portfolioVersion).toBe(3);
      expect(settled.pendingPaymentBatchItems).toEqual([]);
      expect(settled.portfolio.depositAccounts).toEqual([
        {
          depositAccountId: expect.stringMatching(ID), productId: instantId, productVersionOnAccountOpen: 1,
          dateAccountOpenedUTC: expect.stringMatching(TS), dateAccountMaturesUTC: null, amount: 2500.5, interestPaidAmount: 0,
        },
        expect.objectContaining({ productId: noticeId, amount: 1200, dateAccountMaturesUTC: null }),
      ]);
      // Last updated first.
      expect(after.body.portfolioInformation[0].clientReference).toBe(ref);
    });

    it('rejects an over-withdrawal at settlement with a reason and never overdraws', async () => {
      const ref = await newClient();
      await deposit({ clientReference: ref, amount: 300, productId: instantId });
      await settle();
      const account = (await clientPortfolio(ref)).portfolio.depositAccounts[0];
      const ok = await withdraw({ clientReference: ref, amount: 200, depositAccountId: account.depositAccountId });
      const tooMuch = await withdraw({ clientReference: ref, amount: 150, depositAccountId: account.depositAccountId });
      expect(tooMuch.status).toBe(202);
      const pending = (await get('/financial-partners/portfolios?PageSize=500')).body.portfolioInformation.find(
        (p: { clientReference: string }) => p.clientReference === ref,
      );
      expect(pending.pendingPaymentBatchItems.map((i: { pendingBatchType: string; depositAccountId: string }) => [i.pendingBatchType, i.depositAccountId])).toEqual([
        ['withdrawal', account.depositAccountId],
        ['withdrawal', account.depositAccountId],
      ]);
      await settle();
      expect((await get(`/financial-partners/instruction-requests/status/${ok.body.instructionReference}`)).body.status).toBe('Processed');
      const rejected = await get(`/financial-partners/instruction-requests/status/${tooMuch.body.instructionReference}`);
      expect(rejected.body).toEqual({ instructionReference: tooMuch.body.instructionReference, status: 'Rejected', reason: expect.stringMatching(/insufficient/i) });
      expect((await clientPortfolio(ref)).portfolio.depositAccounts[0].amount).toBe(100);
    });

    it('refuses a withdrawal from a fixed-term account before maturity (422); a notice withdrawal waits the notice period', async () => {
      const ref = await newClient();
      await deposit({ clientReference: ref, amount: 1000, productId: fixedId });
      await deposit({ clientReference: ref, amount: 1000, productId: noticeId });
      await settle();
      const accounts = (await clientPortfolio(ref)).portfolio.depositAccounts;
      const fixed = accounts.find((a: { productId: string }) => a.productId === fixedId);
      const notice = accounts.find((a: { productId: string }) => a.productId === noticeId);
      const early = await withdraw({ clientReference: ref, amount: 10, depositAccountId: fixed.depositAccountId });
      expect(early.status).toBe(422);
      const n = await withdraw({ clientReference: ref, amount: 10, depositAccountId: notice.depositAccountId });
      expect(n.status).toBe(202);
      const list = await get(`/financial-partners/instructions?clientReference=${ref}&status=pending`);
      const item = list.body.instructions[0];
      const due = Date.parse(item.dateToBeActionedUTC.replace(/\.(\d{3})\d{4}/, '.$1'));
      expect(due).toBeGreaterThanOrEqual(Date.now() + 29.9 * 86_400_000);
      // Not due yet: the run leaves it pending.
      await settle();
      expect((await get(`/financial-partners/instruction-requests/status/${n.body.instructionReference}`)).body.status).toBe('Created');
    });
  });

  describe('client view', () => {
    it('shows the client portfolio with interest fields and a pending-instructions link', async () => {
      const ref = await newClient();
      await deposit({ clientReference: ref, amount: 50000, productId: fixedId });
      await settle();
      const res = await get(`/financial-partners/clients/${ref}/portfolios`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        portfolioInformation: [
          {
            clientReference: ref,
            portfolio: {
              portfolioId: expect.stringMatching(ID),
              portfolioVersion: 2,
              currencyCode: 'GBP',
              depositAccounts: [
                {
                  depositAccountId: expect.stringMatching(ID), productId: fixedId, productVersionOnAccountOpen: 1,
                  dateAccountOpenedUTC: expect.stringMatching(TS), dateAccountMaturesUTC: expect.stringMatching(TS),
                  amount: 50000, interestPaidAmount: 0, interestAccruedAmount: 0, interestExpectedAmount: expect.any(Number),
                },
              ],
            },
            links: [{ rel: 'pendingInstructions', href: expect.stringMatching(new RegExp(`^http://[^/]+/financial-partners/instructions\\?clientReference=${ref}&status=pending$`)) }],
          },
        ],
      });
      const link = new URL(res.body.portfolioInformation[0].links[0].href);
      expect((await get(`${link.pathname}${link.search}`)).status).toBe(200);
    });

    it('builds the pendingInstructions link on the address reached, never on a spoofed Host', async () => {
      const ref = await newClient();
      await deposit({ clientReference: ref, amount: 700, productId: instantId });
      const res = await get(`/financial-partners/clients/${ref}/portfolios`).set('Host', 'evil.example').set('X-Forwarded-Host', 'evil.example');
      expect(res.status).toBe(200);
      expect(res.body.portfolioInformation[0].links[0].href).toBe(`${t.url}/financial-partners/instructions?clientReference=${ref}&status=pending`);
    });

    it('sends Last-Modified and answers 304 to If-Modified-Since at or after it', async () => {
      const ref = await newClient();
      await deposit({ clientReference: ref, amount: 500, productId: instantId });
      const res = await get(`/financial-partners/clients/${ref}/portfolios`);
      const lastModified = res.headers['last-modified'];
      expect(lastModified).toMatch(/GMT$/);
      const since = (h: string) => t.http().get(`/financial-partners/clients/${ref}/portfolios`).set(bearer(viewer())).set('If-Modified-Since', h);
      const notModified = await since(lastModified);
      expect(notModified.status).toBe(304);
      expect(notModified.text ?? '').toBe('');
      expect((await since(new Date(Date.parse(lastModified) + 5000).toISOString())).status).toBe(304);
      expect((await since(new Date(Date.parse(lastModified) - 1000).toUTCString())).status).toBe(200);
      expect((await since('not a date')).status).toBe(200);
      expect((await get('/financial-partners/clients/unknown-client/portfolios')).status).toBe(404);
    });
  });

  describe('interest accrual', () => {
    it('accrues missed days once, and a second run changes nothing', async () => {
      // Today is worked out here and again by the run: one date for both.
      await awayFromUtcMidnight(30_000);
      const ref = await newClient();
      await deposit({ clientReference: ref, amount: 10000, productId: instantId });
      await settle();
      const account = (await clientPortfolio(ref)).portfolio.depositAccounts[0];
      const today = new Date().toISOString().slice(0, 10);
      const threeDaysAgo = new Date(Date.parse(today) - 3 * 86_400_000).toISOString().slice(0, 10);
      await backdate(account.depositAccountId, threeDaysAgo);
      const before = (await clientPortfolio(ref)).portfolio.portfolioVersion;

      await accrue();
      // 3 days × round(10 000 × 0.05 ÷ 365, 10) = 3 × 1.3698630137 = 4.1095890411 → 4.11
      let view = await clientPortfolio(ref);
      expect(view.portfolio.depositAccounts[0]).toMatchObject({ interestAccruedAmount: 4.11, interestPaidAmount: 0, amount: 10000 });
      expect(view.portfolio.portfolioVersion).toBe(before + 1);

      await accrue();
      view = await clientPortfolio(ref);
      expect(view.portfolio.depositAccounts[0].interestAccruedAmount).toBe(4.11);
      expect(view.portfolio.portfolioVersion).toBe(before + 1);
    });

    it('pays at maturity (half-up), matures the account and lets it be withdrawn at once', async () => {
      const ref = await newClient();
      await deposit({ clientReference: ref, amount: 50000, productId: fixedId });
      await settle();
      const account = (await clientPortfolio(ref)).portfolio.depositAccounts[0];
      // 2024-03-01 → 2025-03-01 is 365 days; expected = 50 000 × 0.045 × 365 ÷ 365 = 2250.00
      await backdate(account.depositAccountId, '2024-03-01');
      let view = await clientPortfolio(ref);
      expect(view.portfolio.depositAccounts[0]).toMatchObject({
        dateAccountOpenedUTC: '2024-03-01T16:00:00.0000000+00:00',
        dateAccountMaturesUTC: '2025-03-01T16:00:00.0000000+00:00',
        interestExpectedAmount: 2250,
      });
      const before = view.portfolio.portfolioVersion;

      await accrue();
      // 365 × round(50 000 × 0.045 ÷ 365, 10) = 365 × 6.1643835616 = 2249.999999984 → paid half-up 2250.00
      view = await clientPortfolio(ref);
      expect(view.portfolio.depositAccounts[0]).toMatchObject({ amount: 50000, interestPaidAmount: 2250, interestAccruedAmount: 0 });
      expect(view.portfolio.portfolioVersion).toBe(before + 1);

      const out = await withdraw({ clientReference: ref, amount: 50000, depositAccountId: account.depositAccountId });
      expect(out.status).toBe(202);
      await settle();
      expect((await get(`/financial-partners/instruction-requests/status/${out.body.instructionReference}`)).body.status).toBe('Processed');
      // Withdrawn in full after maturity: the account is closed and leaves the view.
      expect((await clientPortfolio(ref)).portfolio.depositAccounts).toEqual([]);
    });
  });

  describe('paging order', () => {
    it('puts the last updated portfolio first and answers an empty page past the last', async () => {
      const a = await newClient();
      const b = await newClient();
      await deposit({ clientReference: a, amount: 100, productId: instantId });
      await deposit({ clientReference: b, amount: 100, productId: instantId });
      let first = await get('/financial-partners/portfolios?PageNumber=1&PageSize=2');
      expect(first.body.portfolioInformation.map((p: { clientReference: string }) => p.clientReference)).toEqual([b, a]);
      // A new instruction for a moves its portfolio back to the top.
      await deposit({ clientReference: a, amount: 100, productId: instantId });
      first = await get('/financial-partners/portfolios?PageNumber=1&PageSize=2');
      expect(first.body.portfolioInformation.map((p: { clientReference: string }) => p.clientReference)).toEqual([a, b]);
      expect(first.body.portfolioInformation[0].portfolio.portfolioVersion).toBe(2);

      const all = await get('/financial-partners/portfolios?PageSize=500');
      const total = all.body.portfolioInformation.length;
      const pageCount = first.body.pageCount;
      expect(pageCount).toBe(Math.ceil(total / 2));
      const last = await get(`/financial-partners/portfolios?PageNumber=${pageCount}&PageSize=2`);
      expect(last.body.portfolioInformation).toHaveLength(total % 2 === 0 ? 2 : 1);
      const past = await get(`/financial-partners/portfolios?PageNumber=${pageCount + 1}&PageSize=2`);
      expect(past.status).toBe(200);
      expect(past.body).toEqual({ portfolioInformation: [], pageNumber: pageCount + 1, pageCount, sortOrder: 'updatedDateDesc' });
    });
  });

  describe('interest accrual against the reference calculator', () => {
    it('pays monthly interest rounded down and accrues at each day’s balance across a top-up', async () => {
      // Today is worked out here and again by the run: one date for both.
      await awayFromUtcMidnight(30_000);
      const ref = await newClient();
      await deposit({ clientReference: ref, amount: 10000, productId: instantId });
      await settle();
      const account = (await clientPortfolio(ref)).portfolio.depositAccounts[0];
      const today = new Date().toISOString().slice(0, 10);
      const opening = addDays(today, -40);
      const topUpDay = addDays(today, -10);
      await backdate(account.depositAccountId, opening);
      // A 5 000 top-up that settled ten days ago (fixture: dated movement and balance).
      await withOrgSql(org, async (c) => {
        await c.query(`UPDATE savings_accounts SET amount = amount + 5000 WHERE id = $1`, [account.depositAccountId]);
        await c.query(`INSERT INTO savings_movements (account_id, effective_date, amount) VALUES ($1, $2, 5000)`, [account.depositAccountId, topUpDay]);
      });
      await accrue();
      const expected = catchUp(
        { accruedUntil: opening, accrued: '0' },
        { grossRate: '0.05', basis: 'ACT/365F', paidAt: 'monthly', openingDate: opening, maturityDate: null },
        today,
        (day) => (day < topUpDay ? '10000' : '15000'),
      );
      expect(expected.paid.gt(0)).toBe(true);
      const view = (await clientPortfolio(ref)).portfolio.depositAccounts[0];
      expect(view).toMatchObject({
        amount: 15000,
        interestPaidAmount: Number(expected.paid.toFixed(2)),
        interestAccruedAmount: Number(new Big(expected.accrued).toFixed(2)),
      });
      const stored = await withOrgSql(org, (c) =>
        c.query(`SELECT interest_accrued::text AS accrued, accrued_until::text AS until FROM savings_accounts WHERE id = $1`, [account.depositAccountId]),
      );
      expect(stored.rows[0]).toEqual({ accrued: expected.accrued, until: today });
    });
  });

  describe('tenancy and auth', () => {
    it('another organization sees nothing', async () => {
      const ref = await newClient();
      const d = await deposit({ clientReference: ref, amount: 500, productId: instantId });
      const other = tokenFor(t.config, newOrg(), 'admin');
      const page = await t.http().get('/financial-partners/portfolios').set(bearer(other));
      expect(page.body.portfolioInformation).toEqual([]);
      expect((await t.http().get(`/financial-partners/clients/${ref}/portfolios`).set(bearer(other))).status).toBe(404);
      expect((await t.http().get(`/financial-partners/clients/${ref}`).set(bearer(other))).status).toBe(404);
      expect((await t.http().get(`/financial-partners/products/${instantId}`).set(bearer(other))).status).toBe(404);
      expect((await t.http().get(`/financial-partners/instruction-requests/status/${d.body.instructionReference}`).set(bearer(other))).status).toBe(404);
      const foreign = await t.http().post('/financial-partners/instruction-requests/deposit').set(bearer(other))
        .send({ instructionReference: randomUUID(), clientReference: ref, currencyCode: 'GBP', amount: 500, productId: instantId });
      expect(foreign.status).toBe(422);
    });

    it('accepts the cdpapi-Subscription-Key header; a viewer cannot write', async () => {
      const owner = tokenFor(t.config, org, 'owner');
      const key = await t.http().post('/api-keys').set(bearer(owner)).send({ name: 'partner', role: 'viewer' });
      const res = await t.http().get('/financial-partners/portfolios?PageSize=1').set('cdpapi-Subscription-Key', key.body.key);
      expect(res.status).toBe(200);
      expect(res.body.pageCount).toBeGreaterThan(1);
      const write = await t.http().post('/financial-partners/clients').set('cdpapi-Subscription-Key', key.body.key)
        .send({ clientReference: 'x1', clientType: 'individual', name: 'X' });
      expect(write.status).toBe(403);
    });
  });
});
