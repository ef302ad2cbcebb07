import { insertLoans, insertPortfolio } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

const PROGRAM_A = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';
const PROGRAM_B = '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

const newLoan = (overrides: Record<string, unknown> = {}) => ({
  loan_number: `N-${Math.random().toString(36).slice(2, 10)}`,
  borrower_name: 'Grace Hopper',
  program_id: PROGRAM_A,
  origination_date: '2026-01-15',
  original_principal: '10000.00',
  principal_balance: '8000.50',
  interest_rate: '0.0780',
  term_months: 36,
  ...overrides,
});

describe('loans (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const admin = () => bearer(tokenFor(t.config, org, 'admin'));

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('create and read', () => {
    it('creates a loan with every §3 field on the wire', async () => {
      const res = await t.http().post('/loans').set(admin()).send(newLoan({ loan_number: 'C-1', maturity_date: '2029-01-15', days_past_due: 31 }));
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        loan_number: 'C-1',
        borrower_name: 'Grace Hopper',
        program_id: PROGRAM_A,
        currency: 'USD',
        origination_date: '2026-01-15',
        maturity_date: '2029-01-15',
        original_principal: '10000.00',
        principal_balance: '8000.50',
        interest_rate: '0.078',
        term_months: 36,
        days_past_due: 31,
        delinquency_bucket: 'dpd_30_59',
        status: 'active',
        charged_off_amount: '0.00',
        recovered_amount: '0.00',
        next_payment_date: null,
        portfolio_id: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
        version: 1,
      });
      const got = await t.http().get(`/loans/${res.body.id}`).set(admin());
      expect(got.status).toBe(200);
      expect(got.headers.etag).toBe('"1"');
      expect(got.body).toEqual(res.body);
    });

    it('answers 409 for a loan_number the organization already has, and not for another organization', async () => {
      expect((await t.http().post('/loans').set(admin()).send(newLoan({ loan_number: 'DUP-1' }))).status).toBe(201);
      const again = await t.http().post('/loans').set(admin()).send(newLoan({ loan_number: 'DUP-1' }));
      expect(again.status).toBe(409);
      expect(again.body.errors).toEqual([{ field: 'loan_number', message: expect.any(String) }]);
      const other = bearer(tokenFor(t.config, newOrg(), 'admin'));
      expect((await t.http().post('/loans').set(other).send(newLoan({ loan_number: 'DUP-1' }))).status).toBe(201);
    });

    it("answers 404 for another organization's loan and for a malformed id", async () => {
      const [id] = await insertLoans(newOrg(), [{ loan_number: 'ELSEWHERE-1' }]);
      expect((await t.http().get(`/loans/${id}`).set(admin())).status).toBe(404);
      expect((await t.http().put(`/loans/${id}`).set(admin()).send({ days_past_due: 1 })).status).toBe(404);
      const bad = await t.http().get('/loans/not-a-uuid').set(admin());
      expect(bad.status).toBe(404);
      expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('lets a viewer read but not write', async () => {
      const viewer = bearer(tokenFor(t.config, org, 'viewer'));
      expect((await t.http().get('/loans').set(viewer)).status).toBe(200);
      expect((await t.http().post('/loans').set(viewer).send(newLoan())).status).toBe(403);
    });
  });

  describe('validation', () => {
    const fieldsOf = (body: { errors: { field: string }[] }) => body.errors.map((e) => e.field);

    it('names every missing required field', async () => {
      const res = await t.http().post('/loans').set(admin()).send({});
      expect(res.status).toBe(400);
      expect(new Set(fieldsOf(res.body))).toEqual(
        new Set(['loan_number', 'borrower_name', 'program_id', 'origination_date', 'original_principal', 'principal_balance', 'interest_rate', 'term_months']),
      );
    });

    it.each([
      ['a JSON number for money', { original_principal: 10000 }, 'original_principal'],
      ['3 decimals of money', { principal_balance: '10.005' }, 'principal_balance'],
      ['zero original principal', { original_principal: '0.00' }, 'original_principal'],
      ['a rate of 1', { interest_rate: '1' }, 'interest_rate'],
      ['a negative rate', { interest_rate: '-0.01' }, 'interest_rate'],
      ['a JSON number rate', { interest_rate: 0.05 }, 'interest_rate'],
      ['term 0', { term_months: 0 }, 'term_months'],
      ['negative dpd', { days_past_due: -1 }, 'days_past_due'],
      ['an unknown status', { status: 'late' }, 'status'],
      ['a date that does not exist', { origination_date: '2026-02-30' }, 'origination_date'],
      ['a non-UUID program', { program_id: 'prog-1' }, 'program_id'],
      ['a lower-case currency', { currency: 'usd' }, 'currency'],
      ['an unknown field', { colour: 'blue' }, 'colour'],
      ['portfolio_id', { portfolio_id: null }, 'portfolio_id'],
      ['a read-only field', { delinquency_bucket: 'current' }, 'delinquency_bucket'],
    ])('refuses %s with 400 naming the field', async (_label, patch, field) => {
      const res = await t.http().post('/loans').set(admin()).send(newLoan(patch));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(fieldsOf(res.body)).toEqual([field]);
    });

    // A paid-off loan with money still owed is well-formed but breaks §3's rule: 422, not 400.
    it('answers 422 for paid_off with a balance or days past due', async () => {
      const res = await t.http().post('/loans').set(admin()).send(newLoan({ status: 'paid_off', principal_balance: '1.00', days_past_due: 3 }));
      expect(res.status).toBe(422);
      expect(fieldsOf(res.body)).toEqual(['principal_balance', 'days_past_due']);
      const clean = await t.http().post('/loans').set(admin()).send(newLoan({ status: 'paid_off', principal_balance: '0', days_past_due: 0 }));
      expect(clean.status).toBe(201);
      expect(clean.body.principal_balance).toBe('0.00');
    });
  });

  describe('servicing update', () => {
    it('updates partially, bumps the version, honours If-Match and records the change', async () => {
      const created = await t.http().post('/loans').set(admin()).send(newLoan({ loan_number: 'PUT-1' }));
      const id = created.body.id as string;
      const res = await t.http().put(`/loans/${id}`).set(admin()).set('If-Match', '"1"')
        .send({ principal_balance: '7500.25', days_past_due: 95, next_payment_date: '2026-03-01' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toMatchObject({
        principal_balance: '7500.25', days_past_due: 95, delinquency_bucket: 'dpd_90_119',
        next_payment_date: '2026-03-01', borrower_name: 'Grace Hopper', version: 2,
      });

      const stale = await t.http().put(`/loans/${id}`).set(admin()).set('If-Match', '"1"').send({ days_past_due: 0 });
      expect(stale.status).toBe(412);
      expect((await t.http().get(`/loans/${id}`).set(admin())).body.days_past_due).toBe(95);

      // The same value again (written differently) changes nothing, so the version stays.
      const same = await t.http().put(`/loans/${id}`).set(admin()).send({ principal_balance: '7500.25', days_past_due: 95 });
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(2);

      const audit = await t.http().get(`/audit-events?resource_type=loan&resource_id=${id}`).set(admin());
      expect(audit.body.results.map((e: { action: string }) => e.action)).toEqual(['loan.update', 'loan.create']);
      expect(audit.body.results[0].changes).toEqual({
        principal_balance: { from: '8000.50', to: '7500.25' },
        days_past_due: { from: 0, to: 95 },
        next_payment_date: { from: null, to: '2026-03-01' },
      });
    });

    it('refuses portfolio_id and loan_number in a PUT with 400 naming them', async () => {
      const created = await t.http().post('/loans').set(admin()).send(newLoan());
      const pid = await insertPortfolio(org);
      const res = await t.http().put(`/loans/${created.body.id}`).set(admin()).send({ portfolio_id: pid, loan_number: 'X' });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['loan_number', 'portfolio_id']);
      expect(res.body.errors.find((e: { field: string }) => e.field === 'portfolio_id').message).toMatch(/portfolios/);
    });

    it('refuses null for a required field and paid_off with a balance left', async () => {
      const created = await t.http().post('/loans').set(admin()).send(newLoan());
      const nulled = await t.http().put(`/loans/${created.body.id}`).set(admin()).send({ principal_balance: null });
      expect(nulled.status).toBe(400);
      const paid = await t.http().put(`/loans/${created.body.id}`).set(admin()).send({ status: 'paid_off' });
      expect(paid.status).toBe(422);
      const ok = await t.http().put(`/loans/${created.body.id}`).set(admin()).send({ status: 'paid_off', principal_balance: '0.00' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ status: 'paid_off', principal_balance: '0.00', version: 2 });
    });
  });

  describe('lists', () => {
    const forg = newOrg();
    const reader = () => bearer(tokenFor(t.config, forg, 'viewer'));
    let p1: string;
    let p2: string;

    beforeAll(async () => {
      p1 = await insertPortfolio(forg, { name: 'P1' });
      p2 = await insertPortfolio(forg, { name: 'P2' });
      await insertLoans(forg, [
        { loan_number: 'F-1', program_id: PROGRAM_A, origination_date: '2025-01-10', days_past_due: 0, portfolio_id: p1 },
        { loan_number: 'F-2', program_id: PROGRAM_A, origination_date: '2025-06-15', days_past_due: 45 },
        { loan_number: 'F-3', program_id: PROGRAM_B, origination_date: '2025-03-01', days_past_due: 130, status: 'defaulted' },
        { loan_number: 'F-4', program_id: PROGRAM_B, origination_date: '2026-01-01', principal_balance: '0', status: 'paid_off', portfolio_id: p2 },
        { loan_number: 'F-5', program_id: PROGRAM_A, origination_date: '2024-12-31', days_past_due: 10, status: 'charged_off' },
      ]);
    });

    const numbers = async (query: string) => {
      const res = await t.http().get(`/loans${query}`).set(reader());
      expect(res.status).toBe(200);
      return (res.body.results as { loan_number: string }[]).map((l) => l.loan_number);
    };

    it('applies every filter', async () => {
      expect(await numbers('')).toEqual(['F-1', 'F-2', 'F-3', 'F-4', 'F-5']);
      expect(await numbers(`?portfolio_id=${p1}`)).toEqual(['F-1']);
      expect(await numbers('?unassigned=true')).toEqual(['F-2', 'F-3', 'F-5']);
      expect(await numbers(`?program_id=${PROGRAM_B}`)).toEqual(['F-3', 'F-4']);
      expect(await numbers('?status=defaulted')).toEqual(['F-3']);
      expect(await numbers('?status=defaulted,charged_off')).toEqual(['F-3', 'F-5']);
      expect(await numbers('?delinquency_bucket=dpd_30_59')).toEqual(['F-2']);
      expect(await numbers('?delinquency_bucket=current')).toEqual(['F-1', 'F-4']);
      expect(await numbers('?delinquency_bucket=dpd_120_plus')).toEqual(['F-3']);
      expect(await numbers('?origination_date_gte=2025-03-01')).toEqual(['F-2', 'F-3', 'F-4']);
      expect(await numbers('?origination_date_lte=2025-03-01')).toEqual(['F-1', 'F-3', 'F-5']);
      expect(await numbers('?origination_date_gte=2025-01-01&origination_date_lte=2025-12-31&program_id=' + PROGRAM_A)).toEqual(['F-1', 'F-2']);
      expect(await numbers('?loan_number=F-4')).toEqual(['F-4']);
      expect(await numbers('?loan_number=F-404')).toEqual([]);
    });

    it('refuses bad filter values with 400 naming them', async () => {
      for (const [q, field] of [
        ['?status=late', 'status'],
        ['?delinquency_bucket=dpd_1_2', 'delinquency_bucket'],
        ['?portfolio_id=nope', 'portfolio_id'],
        ['?origination_date_gte=2025-13-01', 'origination_date_gte'],
        ['?unassigned=yes', 'unassigned'],
        ['?page_size=501', 'page_size'],
        ['?colour=red', 'colour'],
        ['?cursor=bm9wZQ', 'cursor'],
      ]) {
        const res = await t.http().get(`/loans${q}`).set(reader());
        expect([q, res.status]).toEqual([q, 400]);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });

    it('pages with count and absolute next/previous links', async () => {
      const first = await t.http().get('/loans?page_size=2').set(reader());
      expect(first.body).toMatchObject({ count: 5, previous: null });
      expect(first.body.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/loans\?.*page=2/);
      const last = await t.http().get('/loans?page_size=2&page=3').set(reader());
      expect(last.body.results.map((l: { loan_number: string }) => l.loan_number)).toEqual(['F-5']);
      expect(last.body.next).toBeNull();
      expect(last.body.previous).toMatch(/page=2/);
    });
  });

  describe('cursor', () => {
    const corg = newOrg();
    const reader = () => bearer(tokenFor(t.config, corg, 'viewer'));

    beforeAll(async () => {
      await insertLoans(
        corg,
        Array.from({ length: 23 }, (_, i) => ({ loan_number: `K-${String(i).padStart(3, '0')}`, days_past_due: i % 2 ? 40 : 0 })),
      );
    });

    async function walk(start: string): Promise<string[]> {
      const seen: string[] = [];
      let url: string | null = start;
      for (let guard = 0; url && guard < 50; guard++) {
        const res: { status: number; body: { count: number | null; next: string | null; results: { loan_number: string }[] } } =
          await t.http().get(url.replace(/^https?:\/\/[^/]+/, '')).set(reader());
        expect(res.status).toBe(200);
        expect(res.body.count).toBeNull();
        expect(res.body.results.length).toBeLessThanOrEqual(5);
        seen.push(...res.body.results.map((l) => l.loan_number));
        url = res.body.next;
      }
      return seen;
    }

    it('walks every loan once, in loan_number order', async () => {
      const seen = await walk('/loans?cursor=&page_size=5');
      expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `K-${String(i).padStart(3, '0')}`));
    });

    it('keeps filters across pages', async () => {
      const seen = await walk('/loans?cursor=&page_size=5&delinquency_bucket=dpd_30_59');
      expect(seen).toEqual(Array.from({ length: 11 }, (_, i) => `K-${String(2 * i + 1).padStart(3, '0')}`));
    });
  });
});
