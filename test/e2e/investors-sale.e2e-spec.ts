import { insertLoans, insertPortfolio } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

describe('loan assignments and portfolio sale (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const admin = () => bearer(tokenFor(t.config, org, 'admin'));

  beforeAll(async () => {
    t = await startApp({ PROCESS_ROLE: 'api' });
  });
  afterAll(async () => {
    await t.close();
  });

  const newInvestor = async (o = org) => {
    const res = await t.http().post('/investors').set(bearer(tokenFor(t.config, o, 'admin'))).send({ name: 'Keel Capital', investor_type: 'institutional' });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const assign = (investorId: string, body: Record<string, unknown>) =>
    t.http().post(`/investors/${investorId}/loan-assignments`).set(admin()).send(body);
  const sell = (portfolioId: string, body: Record<string, unknown>) => t.http().post(`/portfolios/${portfolioId}/sell`).set(admin()).send(body);

  describe('loan assignments', () => {
    it('creates, terminates through PUT, and frees the ownership it held', async () => {
      const investor = await newInvestor();
      const [loan] = await insertLoans(org, [{ principal_balance: '5000.00' }]);
      const a = await assign(investor, { loan_id: loan, ownership_pct: '60', purchase_price: '2950.00', effective_date: '2026-02-01' });
      expect(a.status).toBe(201);
      expect(a.body).toEqual({
        id: expect.any(String), loan_id: loan, investor_id: investor, ownership_pct: '60.00', purchase_price: '2950.00',
        effective_date: '2026-02-01', settlement_instrument_id: null, status: 'active', terminated_at: null,
        created_at: expect.any(String), updated_at: expect.any(String), version: 1,
      });
      // No price: par for the share, 5000.00 × 40 / 100 = 2000.00.
      const b = await assign(investor, { loan_id: loan, ownership_pct: '40.00' });
      expect(b.body).toMatchObject({ purchase_price: '2000.00', ownership_pct: '40.00' });
      expect((await assign(investor, { loan_id: loan, ownership_pct: '0.01' })).status).toBe(409);

      const stale = await t.http().put(`/loan-assignments/${a.body.id}`).set(admin()).set('If-Match', '"7"').send({ status: 'terminated' });
      expect(stale.status).toBe(412);
      const ended = await t.http().put(`/loan-assignments/${a.body.id}`).set(admin()).set('If-Match', '"1"').send({ status: 'terminated' });
      expect(ended.status).toBe(200);
      expect(ended.body).toMatchObject({ status: 'terminated', terminated_at: expect.any(String), version: 2 });
      expect(ended.headers.etag).toBe('"2"');
      expect((await t.http().put(`/loan-assignments/${a.body.id}`).set(admin()).send({ status: 'active' })).status).toBe(409);
      expect((await assign(investor, { loan_id: loan, ownership_pct: '60.00' })).status).toBe(201);

      const listed = await t.http().get(`/investors/${investor}/loan-assignments?status=active`).set(admin());
      expect(listed.body.count).toBe(2);
    });

    it('lets exactly one of two racing 60 % assignments through', async () => {
      const [x, y] = [await newInvestor(), await newInvestor()];
      // Several loans raced at once, so the check is not passing by luck of timing.
      const loans = await insertLoans(org, [{}, {}, {}, {}, {}]);
      const raced = await Promise.all(
        loans.map((loan) =>
          Promise.all([
            assign(x, { loan_id: loan, ownership_pct: '60.00', purchase_price: '4800.00' }),
            assign(y, { loan_id: loan, ownership_pct: '60.00', purchase_price: '4800.00' }),
          ]),
        ),
      );
      for (const pair of raced) {
        expect(pair.map((r) => r.status).sort()).toEqual([201, 409]);
        expect(pair.find((r) => r.status === 409)?.body.errors[0].field).toBe('ownership_pct');
      }
    });

    it('answers 422 for a loan of another organization and an instrument of another investor', async () => {
      const investor = await newInvestor();
      const [foreignLoan] = await insertLoans(newOrg(), [{}]);
      const res = await assign(investor, { loan_id: foreignLoan, ownership_pct: '10.00', purchase_price: '1.00' });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('loan_id');

      const other = await newInvestor();
      const inst = await t.http().post(`/investors/${other}/settlement-instruments`).set(admin())
        .send({ instrument_type: 'ach', currency: 'USD', account_holder_name: 'Other', routing_number: '021000021', account_number: '12345678' });
      const [loan] = await insertLoans(org, [{}]);
      const wrong = await assign(investor, { loan_id: loan, ownership_pct: '10.00', purchase_price: '1.00', settlement_instrument_id: inst.body.id });
      expect(wrong.status).toBe(422);
      expect(wrong.body.errors[0].field).toBe('settlement_instrument_id');
      const bad = await assign(investor, { loan_id: loan, ownership_pct: '100.01', purchase_price: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['ownership_pct', 'purchase_price']);
    });
  });

  describe('sale', () => {
    it('sells at price_pct with half-up cents, one 100 % assignment per loan', async () => {
      const investor = await newInvestor();
      const inst = await t.http().post(`/investors/${investor}/settlement-instruments`).set(admin())
        .send({ instrument_type: 'ach', currency: 'USD', account_holder_name: 'Keel', routing_number: '021000021', account_number: '12345678' });
      const portfolio = await insertPortfolio(org);
      const loans = await insertLoans(org, ['1000.01', '333.33', '1.00'].map((b) => ({ principal_balance: b, portfolio_id: portfolio })));

      const res = await sell(portfolio, { investor_id: investor, sale_date: '2026-03-31', price_pct: '98.50', settlement_instrument_id: inst.body.id });
      expect(res.status).toBe(200);
      // 1000.01 × 98.50 / 100 = 985.009850 → 985.01
      //  333.33 × 98.50 / 100 = 328.330050 → 328.33
      //    1.00 × 98.50 / 100 =   0.985    →   0.99 (half-up; half-even would give 0.98)
      // sale_price = 985.01 + 328.33 + 0.99 = 1314.33
      expect(res.body).toMatchObject({ id: portfolio, status: 'sold', investor_id: investor, sold_at: '2026-03-31', sale_price: '1314.33', loan_count: 3 });

      const list = await t.http().get(`/investors/${investor}/loan-assignments?page_size=500`).set(admin());
      const byLoan = Object.fromEntries(list.body.results.map((a: { loan_id: string }) => [a.loan_id, a]));
      expect(list.body.count).toBe(3);
      for (const [loan, price] of [[loans[0], '985.01'], [loans[1], '328.33'], [loans[2], '0.99']]) {
        expect(byLoan[loan]).toMatchObject({ ownership_pct: '100.00', purchase_price: price, effective_date: '2026-03-31', status: 'active', settlement_instrument_id: inst.body.id });
      }
      const audit = await t.http().get(`/audit-events?resource_type=portfolio&resource_id=${portfolio}`).set(admin());
      expect(audit.body.results).toEqual([expect.objectContaining({ action: 'portfolio.sell', details: expect.objectContaining({ loan_count: 3, sale_price: '1314.33' }) })]);

      // Sold is final.
      const again = await sell(portfolio, { investor_id: investor, sale_date: '2026-04-01', price_pct: '99' });
      expect(again.status).toBe(409);
    });

    it('refuses an empty portfolio (422), unknown investors (422) and bad prices (400)', async () => {
      const investor = await newInvestor();
      const empty = await insertPortfolio(org);
      expect((await sell(empty, { investor_id: investor, sale_date: '2026-03-31', price_pct: '98.50' })).status).toBe(422);

      const portfolio = await insertPortfolio(org);
      await insertLoans(org, [{ portfolio_id: portfolio }]);
      const foreign = await newInvestor(newOrg());
      const unknown = await sell(portfolio, { investor_id: foreign, sale_date: '2026-03-31', price_pct: '98.50' });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].field).toBe('investor_id');
      for (const price_pct of ['0', '200.01', 98.5, '1e2']) {
        const bad = await sell(portfolio, { investor_id: investor, sale_date: '2026-03-31', price_pct });
        expect(bad.status).toBe(400);
      }
      const other = bearer(tokenFor(t.config, newOrg(), 'admin'));
      expect((await t.http().post(`/portfolios/${portfolio}/sell`).set(other).send({ investor_id: investor, sale_date: '2026-03-31', price_pct: '98.50' })).status).toBe(404);
    });

    it('never lets a manual assignment and a racing sale both take the same loan', async () => {
      const [buyer, other] = [await newInvestor(), await newInvestor()];
      for (let round = 0; round < 3; round++) {
        const portfolio = await insertPortfolio(org);
        const [loan] = await insertLoans(org, [{ portfolio_id: portfolio }, { portfolio_id: portfolio }]);
        const [sale, manual] = await Promise.all([
          sell(portfolio, { investor_id: buyer, sale_date: '2026-03-31', price_pct: '100' }),
          assign(other, { loan_id: loan, ownership_pct: '10.00', purchase_price: '800.00' }),
        ]);
        expect([[200, 409], [409, 201]]).toContainEqual([sale.status, manual.status]);
      }
    });

    it('answers 409 naming loans that already have active assignments, and changes nothing', async () => {
      const [buyer, holder] = [await newInvestor(), await newInvestor()];
      const portfolio = await insertPortfolio(org);
      const [free, held] = await insertLoans(org, [{ portfolio_id: portfolio }, { portfolio_id: portfolio }]);
      expect((await assign(holder, { loan_id: held, ownership_pct: '10.00', purchase_price: '800.00' })).status).toBe(201);

      const res = await sell(portfolio, { investor_id: buyer, sale_date: '2026-03-31', price_pct: '100' });
      expect(res.status).toBe(409);
      expect(res.body.errors).toEqual([{ field: 'loan_ids', message: expect.stringContaining(held) }]);
      expect(JSON.stringify(res.body)).not.toContain(free);
      expect((await t.http().get(`/investors/${buyer}/loan-assignments`).set(admin())).body.count).toBe(0);
    });
  });
});
