import { randomUUID } from 'node:crypto';
import { addDays } from '../../src/modules/savings/calendar';
import { withOrgSql } from '../factories/db';
import { newOrg, startApp, TestApp } from '../support/app';
import { awayFromUtcMidnight } from '../support/clock';
import { savingsHelpers } from '../support/savings';

const today = () => new Date().toISOString().slice(0, 10);

describe('savings close-account, revert and ACT/ACT (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const s = savingsHelpers(() => t, org);
  let instantId: string;
  let bondId: string;
  let actActBondId: string;

  const stored = (accountId: string) =>
    withOrgSql(org, async (c) =>
      (await c.query(
        `SELECT status, amount::text, interest_paid::text AS paid, interest_accrued::text AS accrued,
                interest_forfeited::text AS forfeited, closed_at IS NOT NULL AS has_closed_at
           FROM savings_accounts WHERE id = $1`,
        [accountId],
      )).rows[0],
    );
  const pendingOf = async (ref: string) =>
    (await s.get(`/financial-partners/instructions?clientReference=${ref}&status=pending`)).body.instructions;

  async function openAccount(productId: string, amount: number) {
    const ref = await s.newClient();
    expect((await s.deposit({ clientReference: ref, amount, productId })).status).toBe(202);
    await s.settle();
    const account = (await s.clientPortfolio(ref)).portfolio.depositAccounts[0];
    return { ref, accountId: account.depositAccountId as string };
  }

  beforeAll(async () => {
    t = await startApp();
    instantId = await s.newProduct({
      name: 'Easy access', productType: 'instant_access', grossRate: '0.05', dayCountBasis: 'ACT/365F', interestPaidAt: 'monthly',
    });
    bondId = await s.newProduct({
      name: 'One-year bond', productType: 'fixed_term', grossRate: 0.045, termMonths: 12, dayCountBasis: 'ACT/365F', interestPaidAt: 'maturity',
    });
    actActBondId = await s.newProduct({
      name: 'One-month ACT/ACT bond', productType: 'fixed_term', grossRate: 0.05, termMonths: 1, dayCountBasis: 'ACT/ACT', interestPaidAt: 'maturity',
    });
  });
  // Tests work out today here and the server works it out again: never across a UTC midnight.
  beforeEach(() => awayFromUtcMidnight(30_000));
  afterAll(async () => {
    await t.close();
  });

  describe('close-account', () => {
    it('settles a withdrawal, then the close: balance out, interest paid rounded down, rest forfeited, one version step', async () => {
      const { ref, accountId } = await openAccount(instantId, 10000);
      // Opened ten days ago: no monthly payment date falls before today.
      await s.backdate(accountId, addDays(today(), -10));
      const out = await s.withdraw({ clientReference: ref, amount: 2000, depositAccountId: accountId });
      const close = await s.close({ clientReference: ref, depositAccountId: accountId });
      expect(close.status).toBe(202);
      expect(close.body).toEqual({ instructionReference: close.body.instructionReference, status: 'Created' });

      const page = (await s.get('/financial-partners/portfolios?PageSize=500')).body.portfolioInformation.find(
        (p: { clientReference: string }) => p.clientReference === ref,
      );
      expect(page.pendingPaymentBatchItems.map((i: { pendingBatchType: string; amount: number }) => [i.pendingBatchType, i.amount])).toEqual([
        ['withdrawal', 2000],
        ['close', 10000], // until it settles, a close shows the balance it would take
      ]);
      const before = page.portfolio.portfolioVersion;

      expect(await s.settle()).toEqual({ processed: 2, rejected: 0 });
      expect(await s.status(out.body.instructionReference)).toMatchObject({ status: 'Processed' });
      expect(await s.status(close.body.instructionReference)).toEqual({
        instructionReference: close.body.instructionReference, status: 'Processed', reason: null,
      });
      // 10 days × round(10 000 × 0.05 ÷ 365, 10) = 10 × 1.3698630137 = 13.698630137:
      // paid 13.69 (rounded down), 0.008630137 forfeited. The withdrawal left 8 000 for the close.
      expect(await stored(accountId)).toEqual({
        status: 'closed', amount: '0.00', paid: '13.69', accrued: '0.0000000000', forfeited: '0.0086301370', has_closed_at: true,
      });
      const view = await s.clientPortfolio(ref);
      expect(view.portfolio.depositAccounts).toEqual([]);
      // Catch-up accrual, withdrawal and close are one run: the version moves once.
      expect(view.portfolio.portfolioVersion).toBe(before + 1);
      const done = (await s.get(`/financial-partners/instructions?clientReference=${ref}&status=processed`)).body.instructions;
      expect(done.find((i: { instructionReference: string }) => i.instructionReference === close.body.instructionReference)).toMatchObject({
        instructionType: 'close', amount: 8000, depositAccountId: accountId, interestPaidAmount: 13.69,
      });
      expect(done.find((i: { instructionReference: string }) => i.instructionReference === out.body.instructionReference)).toMatchObject({
        instructionType: 'withdrawal', amount: 2000, interestPaidAmount: null,
      });
      const forfeited = await withOrgSql(org, async (c) =>
        (await c.query(`SELECT interest_forfeited::text AS f FROM savings_instructions WHERE instruction_reference = $1`, [close.body.instructionReference])).rows[0].f,
      );
      expect(forfeited).toBe('0.0086301370');
      // The account no longer accrues.
      await s.accrue();
      expect((await stored(accountId)).paid).toBe('13.69');
    });

    it('refuses a fixed-term account before maturity (422 at once); a matured one closes with nothing left to pay', async () => {
      const { ref, accountId } = await openAccount(bondId, 1000);
      const early = await s.close({ clientReference: ref, depositAccountId: accountId });
      expect(early.status).toBe(422);
      expect(early.body.errors[0].field).toBe('depositAccountId');

      // 2024-03-01 → 2025-03-01: 365 × round(1 000 × 0.045 ÷ 365, 10) = 365 × 0.1232876712 = 44.999999988 → 45.00 half-up at maturity.
      await s.backdate(accountId, '2024-03-01');
      await s.accrue();
      const close = await s.close({ clientReference: ref, depositAccountId: accountId });
      expect(close.status).toBe(202);
      await s.settle();
      expect(await s.status(close.body.instructionReference)).toMatchObject({ status: 'Processed' });
      expect(await stored(accountId)).toMatchObject({ status: 'closed', amount: '0.00', paid: '45.00', forfeited: '0.0000000000' });
    });

    it('the settlement function refuses a close not accrued to today; the run catches up first and settles it', async () => {
      const { ref, accountId } = await openAccount(instantId, 100);
      await s.backdate(accountId, addDays(today(), -1));
      const close = await s.close({ clientReference: ref, depositAccountId: accountId });
      // As if midnight passed between the run's catch-up and this instruction: refused, so the batch stops and the job retries.
      await withOrgSql(org, (c) =>
        expect(
          c.query(`SELECT savings_settle_instruction(id, 'direct') FROM savings_instructions WHERE instruction_reference = $1`, [
            close.body.instructionReference,
          ]),
        ).rejects.toThrow(/accrued only until/),
      );
      expect(await s.status(close.body.instructionReference)).toMatchObject({ status: 'Created' });
      await s.settle();
      expect(await s.status(close.body.instructionReference)).toMatchObject({ status: 'Processed' });
      // One day: round(100 × 0.05 ÷ 365, 10) = 0.0136986301 → paid 0.01, 0.0036986301 forfeited
      expect(await stored(accountId)).toMatchObject({ status: 'closed', paid: '0.01', forfeited: '0.0036986301' });
    });

    it('a top-up accepted after a close is rejected at settlement; unknown accounts and bad bodies are refused', async () => {
      const { ref, accountId } = await openAccount(instantId, 500);
      const close = await s.close({ clientReference: ref, depositAccountId: accountId });
      const topUp = await s.deposit({ clientReference: ref, amount: 50, depositAccountId: accountId });
      expect(topUp.status).toBe(202);
      expect(await s.settle()).toEqual({ processed: 1, rejected: 1 });
      expect(await s.status(close.body.instructionReference)).toMatchObject({ status: 'Processed' });
      expect(await s.status(topUp.body.instructionReference)).toEqual({
        instructionReference: topUp.body.instructionReference, status: 'Rejected', reason: 'The deposit account is closed',
      });
      // Opened today: nothing accrued, nothing paid.
      expect(await stored(accountId)).toMatchObject({ status: 'closed', amount: '0.00', paid: '0.00' });

      const again = await s.close({ clientReference: ref, depositAccountId: accountId });
      expect(again.status).toBe(422);
      const ghost = await s.close({ clientReference: ref, depositAccountId: '999999999' });
      expect(ghost.status).toBe(422);
      expect(ghost.body.errors[0].field).toBe('depositAccountId');
      const extra = await s.close({ clientReference: ref, depositAccountId: accountId, amount: 10 });
      expect(extra.status).toBe(400);
      expect(extra.body.errors.map((e: { field: string }) => e.field)).toContain('amount');
      const noAccount = await s.close({ clientReference: ref });
      expect(noAccount.status).toBe(400);
      expect(noAccount.body.errors[0].field).toBe('depositAccountId');
    });
  });

  describe('revert', () => {
    it('cancels a pending deposit at once: Reverted, off the pending items, version +1, not settled', async () => {
      const ref = await s.newClient();
      const d = await s.deposit({ clientReference: ref, amount: 750, productId: instantId });
      const before = (await s.clientPortfolio(ref)).portfolio.portfolioVersion;
      expect(before).toBe(1);

      const res = await s.revert(d.body.instructionReference);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ instructionReference: d.body.instructionReference, status: 'Reverted' });
      expect(await s.status(d.body.instructionReference)).toEqual({ instructionReference: d.body.instructionReference, status: 'Reverted', reason: null });
      expect(await pendingOf(ref)).toEqual([]);
      const page = (await s.get('/financial-partners/portfolios?PageSize=500')).body.portfolioInformation.find(
        (p: { clientReference: string }) => p.clientReference === ref,
      );
      expect(page.pendingPaymentBatchItems).toEqual([]);
      expect(page.portfolio.portfolioVersion).toBe(2);

      // Again: the same answer, no second version step.
      expect((await s.revert(d.body.instructionReference)).body).toEqual(res.body);
      expect((await s.clientPortfolio(ref)).portfolio.portfolioVersion).toBe(2);
      await s.settle();
      expect(await s.status(d.body.instructionReference)).toMatchObject({ status: 'Reverted' });
      expect((await s.clientPortfolio(ref)).portfolio).toMatchObject({ portfolioVersion: 2, depositAccounts: [] });
      const listed = (await s.get(`/financial-partners/instructions?clientReference=${ref}&status=reverted`)).body.instructions;
      expect(listed.map((i: { instructionReference: string }) => i.instructionReference)).toEqual([d.body.instructionReference]);
    });

    it('a reverted withdrawal leaves the balance alone; processed or rejected → 409; unknown → 404; a bad body → 400', async () => {
      const { ref, accountId } = await openAccount(instantId, 300);
      const keep = await s.withdraw({ clientReference: ref, amount: 100, depositAccountId: accountId });
      const undo = await s.withdraw({ clientReference: ref, amount: 50, depositAccountId: accountId });
      const tooMuch = await s.withdraw({ clientReference: ref, amount: 1000, depositAccountId: accountId });
      expect((await s.revert(undo.body.instructionReference)).status).toBe(202);
      expect(await s.settle()).toEqual({ processed: 1, rejected: 1 });
      // 300 − 100 = 200; the reverted 50 never left.
      expect((await s.clientPortfolio(ref)).portfolio.depositAccounts[0].amount).toBe(200);

      const processed = await s.revert(keep.body.instructionReference);
      expect(processed.status).toBe(409);
      expect(processed.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(processed.body.errors[0].field).toBe('instructionReference');
      expect((await s.revert(tooMuch.body.instructionReference)).status).toBe(409);
      expect((await s.revert(randomUUID())).status).toBe(404);
      expect((await s.post('/financial-partners/instruction-requests/revert', {})).status).toBe(400);
      const extra = await s.post('/financial-partners/instruction-requests/revert', { instructionReference: randomUUID(), amount: 1 });
      expect(extra.status).toBe(400);
      // Another organization's instruction is not there to revert.
      const other = savingsHelpers(() => t, newOrg());
      expect((await other.revert(keep.body.instructionReference)).status).toBe(404);
    });
  });

  describe('paging from both ends', () => {
    it('pages read from the front and from the end agree with one big page, and pageCount follows new portfolios', async () => {
      const fresh = savingsHelpers(() => t, newOrg());
      const product = await fresh.newProduct({ name: 'Saver', productType: 'instant_access', grossRate: 0.01 });
      for (let i = 0; i < 7; i++) {
        const ref = await fresh.newClient();
        expect((await fresh.deposit({ clientReference: ref, amount: 10 + i, productId: product })).status).toBe(202);
      }
      const ids = (body: { portfolioInformation: { portfolio: { portfolioId: string } }[] }) =>
        body.portfolioInformation.map((p) => p.portfolio.portfolioId);
      const all = ids((await fresh.get('/financial-partners/portfolios?PageSize=500')).body);
      expect(all).toHaveLength(7);
      const walked: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const res = await fresh.get(`/financial-partners/portfolios?PageNumber=${page}&PageSize=2`);
        expect(res.body).toMatchObject({ pageNumber: page, pageCount: 4 });
        walked.push(...ids(res.body));
      }
      // 7 portfolios at 2 a page: pages 1–2 from the front, 3–4 (rows 4–6) from the end.
      expect(walked).toEqual(all);
      expect(ids((await fresh.get('/financial-partners/portfolios?PageNumber=5&PageSize=2')).body)).toEqual([]);
      await fresh.deposit({ clientReference: await fresh.newClient(), amount: 1, productId: product });
      expect((await fresh.get('/financial-partners/portfolios?PageSize=2')).body.pageCount).toBe(4);
      await fresh.deposit({ clientReference: await fresh.newClient(), amount: 1, productId: product });
      expect((await fresh.get('/financial-partners/portfolios?PageSize=2')).body.pageCount).toBe(5);
    });
  });

  describe('ACT/ACT', () => {
    it('accrues each day across 29 February at ÷ 366, as the expected interest says', async () => {
      const { ref, accountId } = await openAccount(actActBondId, 10000);
      // 2024-02-15 → 2024-03-15: 29 days (15–29 Feb = 15, 1–14 Mar = 14), all in a leap year.
      await s.backdate(accountId, '2024-02-15');
      // 10 000 × 0.05 × 29 ÷ 366 = 39.6174863… → 39.62 (ACT/365F would say 39.73)
      expect((await s.clientPortfolio(ref)).portfolio.depositAccounts[0].interestExpectedAmount).toBe(39.62);
      await s.accrue();
      // 29 × round(10 000 × 0.05 ÷ 366, 10) = 29 × 1.3661202186 = 39.6174863394 → paid half-up 39.62 at maturity
      expect(await stored(accountId)).toMatchObject({ status: 'matured', paid: '39.62', accrued: '0.0000000000' });
    });

    it('across a year end divides 2024 days by 366 and 2025 days by 365', async () => {
      const { ref, accountId } = await openAccount(actActBondId, 10000);
      await s.backdate(accountId, '2024-12-15');
      // expected: 500 × (17 ÷ 366 + 14 ÷ 365) = 500 × (0.0464480874… + 0.0383561643…) = 42.4021259… → 42.40
      expect((await s.clientPortfolio(ref)).portfolio.depositAccounts[0].interestExpectedAmount).toBe(42.4);
      await s.accrue();
      // 17 × 1.3661202186 + 14 × 1.3698630137 = 23.2240437162 + 19.1780821918 = 42.4021259080 → 42.40
      expect(await stored(accountId)).toMatchObject({ status: 'matured', paid: '42.40' });
    });

    it('is accepted as a dayCountBasis and shown back', async () => {
      const product = await s.get(`/financial-partners/products/${actActBondId}`);
      expect(product.body).toMatchObject({ dayCountBasis: 'ACT/ACT', productVersion: 1 });
      const bad = await s.post('/financial-partners/products', {
        name: 'x', productType: 'instant_access', currencyCode: 'GBP', grossRate: 0.01, dayCountBasis: 'ACT/ACT-ISMA',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('dayCountBasis');
    });
  });
});
