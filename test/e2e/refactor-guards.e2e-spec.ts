import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/**
 * Issue 15 review: the membership and sale problems whose wording moved into the portfolios and
 * investors catalogs and whose locks moved into MembershipLocks, pinned whole (type, title,
 * detail, errors) as the service answered them before the refactor.
 */
describe('refactor guards: membership and sale problems (e2e)', () => {
  let t: TestApp;
  let owner: string;
  const MISSING = '00000000-0000-4000-8000-00000000abcd';
  const PROGRAM = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';
  const problem = (code: string, status: number, detail: string, errors: { field: string; message: string }[]) => ({
    type: `https://portfolio-service.dev/problems/${code}`,
    title: status === 404 ? 'Not found' : status === 409 ? 'Conflict' : 'Unprocessable entity',
    status,
    detail,
    errors,
  });
  const call = (method: 'get' | 'post' | 'put' | 'delete', path: string, body?: object) => {
    const r = t.http()[method](path).set(bearer(owner));
    return body === undefined ? r : r.send(body);
  };
  const portfolio = async (name: string) => (await call('post', '/portfolios', { name, portfolio_type: 'static' })).body.id as string;
  const loan = async (n: number) =>
    (
      await call('post', '/loans', {
        loan_number: `G-${n}`, borrower_name: 'B', program_id: PROGRAM, origination_date: '2025-01-15',
        original_principal: '1000.00', principal_balance: '900.00', interest_rate: '0.05', term_months: 12,
      })
    ).body.id as string;

  beforeAll(async () => {
    t = await startApp();
    owner = tokenFor(t.config, newOrg(), 'owner');
  });
  afterAll(async () => {
    await t.close();
  });

  it('transfer, unassign and archive answer as before', async () => {
    const [a, b] = [await portfolio('GA'), await portfolio('GB')];
    const [l1, l2] = [await loan(1), await loan(2)];
    expect((await call('post', `/portfolios/${a}/loans`, { loan_ids: [l1] })).body).toEqual({ assigned: 1 });

    expect((await call('post', `/portfolios/${a}/transfer-loans`, { target_portfolio_id: b, loan_ids: [l1, l2] })).body).toEqual(
      problem('loans-not-in-source', 422, '1 loan(s) are not in the source portfolio', [{ field: 'loan_ids', message: `not in the source portfolio: ${l2}` }]),
    );
    expect((await call('post', `/portfolios/${a}/transfer-loans`, { target_portfolio_id: MISSING })).body).toEqual(
      problem('unknown-reference', 422, `target_portfolio_id names resources that do not exist: ${MISSING}`, [
        { field: 'target_portfolio_id', message: `not found: ${MISSING}` },
      ]),
    );
    expect((await call('delete', `/portfolios/${a}/loans/${l2}`)).body).toEqual(problem('not-found', 404, `Loan in this portfolio ${l2} was not found`, []));

    expect((await call('delete', `/portfolios/${b}`)).status).toBe(200);
    expect((await call('delete', `/portfolios/${b}`)).body).toEqual(
      problem('portfolio-not-active', 409, `Portfolio ${b} is archived and cannot be archived`, [{ field: 'status', message: 'archived' }]),
    );
    expect((await call('post', `/portfolios/${a}/transfer-loans`, { target_portfolio_id: b })).body).toEqual(
      problem('portfolio-not-active', 409, `Cannot transfer: target portfolio ${b} is archived`, [
        { field: 'target_portfolio_id', message: 'target portfolio is archived' },
      ]),
    );
    expect((await call('post', `/portfolios/${b}/transfer-loans`, { target_portfolio_id: a })).body).toEqual(
      problem('portfolio-not-active', 409, `Cannot transfer: portfolio ${b} is archived`, [{ field: 'status', message: 'source portfolio is archived' }]),
    );
    expect((await call('post', `/portfolios/${b}/loans`, { loan_ids: [l2] })).body).toEqual(
      problem('portfolio-not-active', 409, `Cannot assign loans: portfolio ${b} is archived`, [{ field: 'status', message: 'portfolio is archived' }]),
    );
    expect((await call('delete', `/portfolios/${b}/loans/${l2}`)).body).toEqual(
      problem('portfolio-not-active', 409, `Cannot unassign loans: portfolio ${b} is archived`, [{ field: 'status', message: 'portfolio is archived' }]),
    );
    // The unfiltered member list counts from the kept loan_count.
    const members = await call('get', `/portfolios/${a}/loans`);
    expect({ count: members.body.count, ids: members.body.results.map((r: { id: string }) => r.id) }).toEqual({ count: 1, ids: [l1] });
  });

  it('an upper-case uuid names the same resource everywhere, as Postgres reads it', async () => {
    const [a, b] = [await portfolio('UA'), await portfolio('UB')];
    const l = await loan(9);
    expect((await call('post', `/portfolios/${a.toUpperCase()}/loans`, { loan_ids: [l.toUpperCase()] })).body).toEqual({ assigned: 1 });
    const moved = await call('post', `/portfolios/${a.toUpperCase()}/transfer-loans`, { target_portfolio_id: b.toUpperCase() });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ transferred: 1 });
    expect((await call('get', `/loans/${l.toUpperCase()}`)).body.portfolio_id).toBe(b);
  });

  it('a sale and an assignment answer as before', async () => {
    const [full, empty] = [await portfolio('GS'), await portfolio('GE')];
    const l3 = await loan(3);
    await call('post', `/portfolios/${full}/loans`, { loan_ids: [l3] });
    const inactive = (await call('post', '/investors', { name: 'Off', investor_type: 'bank', status: 'inactive' })).body.id;
    const investor = (await call('post', '/investors', { name: 'On', investor_type: 'fund' })).body.id;
    const sale = { sale_date: '2026-01-02', price_pct: '98.5' };

    expect((await call('post', `/portfolios/${full}/sell`, { ...sale, investor_id: MISSING })).body).toEqual(
      problem('unknown-reference', 422, `investor_id names resources that do not exist: ${MISSING}`, [{ field: 'investor_id', message: `not found: ${MISSING}` }]),
    );
    expect((await call('post', `/portfolios/${full}/sell`, { ...sale, investor_id: inactive })).body).toEqual(
      problem('investor-inactive', 422, 'An inactive investor cannot take new loan assignments', [{ field: 'investor_id', message: 'investor is inactive' }]),
    );
    expect((await call('post', `/portfolios/${empty}/sell`, { ...sale, investor_id: investor })).body).toEqual(
      problem('portfolio-empty', 422, `Portfolio ${empty} holds no loans; there is nothing to sell`, [{ field: 'portfolio_id', message: 'portfolio is empty' }]),
    );
    expect((await call('post', `/investors/${investor}/loan-assignments`, { loan_id: l3, ownership_pct: '60' })).status).toBe(201);
    expect((await call('post', `/investors/${investor}/loan-assignments`, { loan_id: l3, ownership_pct: '50.5' })).body).toEqual(
      problem('ownership-exceeded', 409, `Loan ${l3} already has 60.00 % actively assigned; 50.5 % more would exceed 100 %`, [
        { field: 'ownership_pct', message: 'at most 40.00 available' },
      ]),
    );
    expect((await call('post', `/portfolios/${full}/sell`, { ...sale, investor_id: investor })).body).toEqual(
      problem('loans-already-assigned', 409, `Portfolio ${full} holds loans that already have active assignments: ${l3}`, [
        { field: 'loan_ids', message: `already assigned: ${l3}` },
      ]),
    );
  });
});
