import { insertLoans, PROGRAM_A } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

describe('portfolios (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, org, 'admin');
    viewer = tokenFor(t.config, org, 'viewer');
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (body: object, token = admin) => t.http().post('/portfolios').set(bearer(token)).send(body);
  const get = (id: string, token = admin) => t.http().get(`/portfolios/${id}`).set(bearer(token));
  const uniq = (s: string) => `${s} ${Math.random().toString(36).slice(2, 8)}`;

  describe('create, read, update', () => {
    it('creates a static portfolio with the §4 fields, version 1 and an ETag', async () => {
      const res = await create({ name: uniq('Prime'), description: 'hand-picked', portfolio_type: 'static' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: expect.stringMatching(/^Prime /),
        description: 'hand-picked',
        portfolio_type: 'static',
        criteria: null,
        status: 'active',
        investor_id: null,
        sold_at: null,
        sale_price: null,
        loan_count: 0,
        total_outstanding: '0.00',
        created_at: expect.any(String),
        updated_at: expect.any(String),
        archived_at: null,
        version: 1,
      });
      expect(res.headers.etag).toBe('"1"');
      const again = await get(res.body.id, viewer);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(res.body);
    });

    it('requires non-empty criteria for a dynamic portfolio and rejects unknown criteria keys', async () => {
      const none = await create({ name: uniq('Dyn'), portfolio_type: 'dynamic' });
      expect(none.status).toBe(400);
      expect(none.body.errors[0].field).toBe('criteria');
      const empty = await create({ name: uniq('Dyn'), portfolio_type: 'dynamic', criteria: {} });
      expect(empty.status).toBe(400);
      const unknown = await create({ name: uniq('Dyn'), portfolio_type: 'dynamic', criteria: { program_id: PROGRAM_A, colour: 'red' } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'criteria.colour' })]));
      const inverted = await create({
        name: uniq('Dyn'),
        portfolio_type: 'dynamic',
        criteria: { min_interest_rate: '0.2', max_interest_rate: '0.1' },
      });
      expect(inverted.status).toBe(400);
      expect(inverted.body.errors[0].field).toBe('criteria.max_interest_rate');
      const ok = await create({ name: uniq('Dyn'), portfolio_type: 'dynamic', criteria: { program_id: PROGRAM_A, max_days_past_due: 29 } });
      expect(ok.status).toBe(201);
      expect(ok.body.criteria).toEqual({ program_id: PROGRAM_A, max_days_past_due: 29 });
    });

    it('keeps names unique among portfolios that are not archived', async () => {
      const name = uniq('Unique');
      expect((await create({ name, portfolio_type: 'static' })).status).toBe(201);
      const dup = await create({ name, portfolio_type: 'static' });
      expect(dup.status).toBe(409);
      expect(dup.body.errors[0].field).toBe('name');
    });

    it('updates with If-Match, answers 412 when stale, and refuses read-only fields', async () => {
      const p = (await create({ name: uniq('Upd'), portfolio_type: 'static' })).body;
      const ok = await t.http().put(`/portfolios/${p.id}`).set(bearer(admin)).set('If-Match', '"1"').send({ description: 'v2' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ description: 'v2', version: 2 });
      expect(ok.headers.etag).toBe('"2"');
      const stale = await t.http().put(`/portfolios/${p.id}`).set(bearer(admin)).set('If-Match', '"1"').send({ description: 'v3' });
      expect(stale.status).toBe(412);
      expect(stale.headers['content-type']).toMatch(/problem\+json/);
      const readOnly = await t.http().put(`/portfolios/${p.id}`).set(bearer(admin)).send({ portfolio_type: 'dynamic', loan_count: 5 });
      expect(readOnly.status).toBe(400);
      expect(readOnly.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['loan_count', 'portfolio_type']);
    });

    it('is invisible to another organization and closed to viewers for writes', async () => {
      const p = (await create({ name: uniq('Mine'), portfolio_type: 'static' })).body;
      const other = tokenFor(t.config, newOrg(), 'admin');
      expect((await get(p.id, other)).status).toBe(404);
      expect((await t.http().delete(`/portfolios/${p.id}`).set(bearer(other))).status).toBe(404);
      const list = await t.http().get('/portfolios').set(bearer(other));
      expect(list.body.count).toBe(0);
      expect((await create({ name: uniq('V'), portfolio_type: 'static' }, viewer)).status).toBe(403);
      expect((await get('not-a-uuid')).status).toBe(404);
    });
  });

  describe('archive', () => {
    it('archives (hidden from the default list, frozen) and unarchives', async () => {
      const name = uniq('Arch');
      const p = (await create({ name, portfolio_type: 'static' })).body;
      const [loan] = await insertLoans(org, [{}]);
      const archived = await t.http().delete(`/portfolios/${p.id}`).set(bearer(admin));
      expect(archived.status).toBe(200);
      expect(archived.body).toMatchObject({ status: 'archived', version: 2 });
      expect(archived.body.archived_at).toEqual(expect.any(String));

      const def = await t.http().get('/portfolios?page_size=500').set(bearer(admin));
      expect(def.body.results.map((r: { id: string }) => r.id)).not.toContain(p.id);
      const onlyArchived = await t.http().get('/portfolios?status=archived&page_size=500').set(bearer(admin));
      expect(onlyArchived.body.results.map((r: { id: string }) => r.id)).toContain(p.id);
      const all = await t.http().get('/portfolios?include_archived=true&page_size=500').set(bearer(admin));
      expect(all.body.results.map((r: { id: string }) => r.id)).toContain(p.id);

      const assign = await t.http().post(`/portfolios/${p.id}/loans`).set(bearer(admin)).send({ loan_ids: [loan] });
      expect(assign.status).toBe(409);
      expect((await t.http().post(`/portfolios/${p.id}/auto-assign`).set(bearer(admin))).status).toBe(409);
      expect((await t.http().delete(`/portfolios/${p.id}`).set(bearer(admin))).status).toBe(409);

      // Its name is free again while archived; unarchiving then collides.
      const taker = (await create({ name, portfolio_type: 'static' })).body;
      expect((await t.http().post(`/portfolios/${p.id}/unarchive`).set(bearer(admin))).status).toBe(409);
      await t.http().put(`/portfolios/${taker.id}`).set(bearer(admin)).send({ name: uniq('Renamed') });
      const back = await t.http().post(`/portfolios/${p.id}/unarchive`).set(bearer(admin));
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ status: 'active', archived_at: null });
    });
  });

  describe('membership', () => {
    it('assigns by id, keeps live totals, treats repeats as no-ops and unassigns', async () => {
      const p = (await create({ name: uniq('Members'), portfolio_type: 'static' })).body;
      const ids = await insertLoans(org, [{ principal_balance: '1000.10' }, { principal_balance: '2000.20' }, { principal_balance: '0.05' }]);
      const res = await t.http().post(`/portfolios/${p.id}/loans`).set(bearer(admin)).send({ loan_ids: ids });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ assigned: 3 });
      const after = (await get(p.id)).body;
      expect(after.loan_count).toBe(3);
      expect(after.total_outstanding).toBe('3000.35'); // 1000.10 + 2000.20 + 0.05

      const repeat = await t.http().post(`/portfolios/${p.id}/loans`).set(bearer(admin)).send({ loan_ids: [ids[0]] });
      expect(repeat.body).toEqual({ assigned: 0 });

      expect((await t.http().delete(`/portfolios/${p.id}/loans/${ids[2]}`).set(bearer(admin))).status).toBe(204);
      expect((await get(p.id)).body).toMatchObject({ loan_count: 2, total_outstanding: '3000.30' });
      expect((await t.http().delete(`/portfolios/${p.id}/loans/${ids[2]}`).set(bearer(admin))).status).toBe(404);
    });

    it('refuses loans already in another portfolio (409), unknown loans (422) and dynamic targets (409)', async () => {
      const a = (await create({ name: uniq('A'), portfolio_type: 'static' })).body;
      const b = (await create({ name: uniq('B'), portfolio_type: 'static' })).body;
      const [l1, l2] = await insertLoans(org, [{}, {}]);
      await t.http().post(`/portfolios/${a.id}/loans`).set(bearer(admin)).send({ loan_ids: [l1] });

      const taken = await t.http().post(`/portfolios/${b.id}/loans`).set(bearer(admin)).send({ loan_ids: [l1, l2] });
      expect(taken.status).toBe(409);
      expect(taken.body.errors[0]).toMatchObject({ field: 'loan_ids' });
      expect(taken.body.errors[0].message).toContain(l1);
      expect((await get(b.id)).body.loan_count).toBe(0); // nothing half-written

      const ghost = '7d3f0c1e-0000-4000-8000-000000000001';
      const [foreign] = await insertLoans(newOrg(), [{}]);
      const unknown = await t.http().post(`/portfolios/${b.id}/loans`).set(bearer(admin)).send({ loan_ids: [l2, ghost, foreign] });
      expect(unknown.status).toBe(422);
      expect(unknown.body.errors[0].field).toBe('loan_ids');
      expect(unknown.body.errors[0].message).toContain(ghost);
      expect(unknown.body.errors[0].message).toContain(foreign);

      const dyn = (await create({ name: uniq('D'), portfolio_type: 'dynamic', criteria: { currency: 'EUR' } })).body;
      expect((await t.http().post(`/portfolios/${dyn.id}/loans`).set(bearer(admin)).send({ loan_ids: [l2] })).status).toBe(409);

      const badIds = await t.http().post(`/portfolios/${b.id}/loans`).set(bearer(admin)).send({ loan_ids: ['x'] });
      expect(badIds.status).toBe(400);
      const tooMany = await t
        .http()
        .post(`/portfolios/${b.id}/loans`)
        .set(bearer(admin))
        .send({ loan_ids: Array.from({ length: 10_001 }, () => ghost) });
      expect(tooMany.status).toBe(400);
    });
  });

  describe('portfolio loans', () => {
    it('lists the portfolio loans with the /loans filters, and 404s for another organization', async () => {
      const p = (await create({ name: uniq('Listed'), portfolio_type: 'static' })).body;
      const ids = await insertLoans(org, [
        { loan_number: `PL-${p.id.slice(0, 6)}-1`, portfolio_id: p.id, status: 'active' },
        { loan_number: `PL-${p.id.slice(0, 6)}-2`, portfolio_id: p.id, status: 'defaulted', days_past_due: 45 },
        { loan_number: `PL-${p.id.slice(0, 6)}-3` },
      ]);
      const all = await t.http().get(`/portfolios/${p.id}/loans`).set(bearer(viewer));
      expect(all.status).toBe(200);
      expect(all.body.count).toBe(2);
      expect(all.body.results.map((l: { id: string }) => l.id).sort()).toEqual([ids[0], ids[1]].sort());
      const defaulted = await t.http().get(`/portfolios/${p.id}/loans?status=defaulted`).set(bearer(viewer));
      expect(defaulted.body.results).toEqual([expect.objectContaining({ id: ids[1], delinquency_bucket: 'dpd_30_59' })]);
      const other = tokenFor(t.config, newOrg(), 'viewer');
      expect((await t.http().get(`/portfolios/${p.id}/loans`).set(bearer(other))).status).toBe(404);
    });
  });

  describe('transfer', () => {
    it('moves named loans atomically, or all of them when loan_ids is omitted', async () => {
      const src = (await create({ name: uniq('Src'), portfolio_type: 'static' })).body;
      const dst = (await create({ name: uniq('Dst'), portfolio_type: 'dynamic', criteria: { currency: 'JPY' } })).body;
      const ids = await insertLoans(org, [{ portfolio_id: src.id }, { portfolio_id: src.id }, { portfolio_id: src.id }]);
      const [outsider] = await insertLoans(org, [{}]);

      const partialBad = await t
        .http()
        .post(`/portfolios/${src.id}/transfer-loans`)
        .set(bearer(admin))
        .send({ target_portfolio_id: dst.id, loan_ids: [ids[0], outsider] });
      expect(partialBad.status).toBe(422);
      expect(partialBad.body.errors[0].message).toContain(outsider);
      expect((await get(src.id)).body.loan_count).toBe(3); // all or nothing

      const one = await t.http().post(`/portfolios/${src.id}/transfer-loans`).set(bearer(admin)).send({ target_portfolio_id: dst.id, loan_ids: [ids[0]] });
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ transferred: 1 });
      const rest = await t.http().post(`/portfolios/${src.id}/transfer-loans`).set(bearer(admin)).send({ target_portfolio_id: dst.id });
      expect(rest.body).toEqual({ transferred: 2 });
      expect((await get(src.id)).body.loan_count).toBe(0);
      expect((await get(dst.id)).body.loan_count).toBe(3);
    });

    it('refuses itself as target (422), a missing target (422) and an inactive target (409)', async () => {
      const src = (await create({ name: uniq('S2'), portfolio_type: 'static' })).body;
      const self = await t.http().post(`/portfolios/${src.id}/transfer-loans`).set(bearer(admin)).send({ target_portfolio_id: src.id });
      expect(self.status).toBe(422);
      expect(self.body.errors[0].field).toBe('target_portfolio_id');
      const missing = await t
        .http()
        .post(`/portfolios/${src.id}/transfer-loans`)
        .set(bearer(admin))
        .send({ target_portfolio_id: '7d3f0c1e-0000-4000-8000-000000000002' });
      expect(missing.status).toBe(422);
      expect(missing.body.errors[0].field).toBe('target_portfolio_id');
      const archived = (await create({ name: uniq('T2'), portfolio_type: 'static' })).body;
      await t.http().delete(`/portfolios/${archived.id}`).set(bearer(admin));
      const inactive = await t.http().post(`/portfolios/${src.id}/transfer-loans`).set(bearer(admin)).send({ target_portfolio_id: archived.id });
      expect(inactive.status).toBe(409);
    });
  });

  describe('auto-assign', () => {
    const waitJob = async (statusUrl: string, token = admin) => {
      for (let i = 0; i < 300; i++) {
        const res = await t.http().get(statusUrl).set(bearer(token));
        if (res.body.state === 'completed' || res.body.state === 'failed') return res.body;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('job did not finish');
    };

    it('assigns matching unassigned loans as a job visible through /jobs/{id}', async () => {
      const o = newOrg();
      const token = tokenFor(t.config, o, 'admin');
      await insertLoans(o, [
        { currency: 'GBP', interest_rate: '0.05' },
        { currency: 'GBP', interest_rate: '0.09' },
        { currency: 'GBP', interest_rate: '0.12' }, // above max
        { currency: 'USD', interest_rate: '0.06' }, // wrong currency
      ]);
      const p = (
        await create({ name: 'GBP mid', portfolio_type: 'static', criteria: { currency: 'GBP', max_interest_rate: '0.10' } }, token)
      ).body;
      const res = await t.http().post(`/portfolios/${p.id}/auto-assign`).set(bearer(token));
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ job_id: expect.any(String), status_url: `/jobs/${res.body.job_id}` });
      expect(res.body.job_id).toContain(o);
      expect(res.body.job_id).not.toContain(':');
      const job = await waitJob(res.body.status_url, token);
      expect(job).toMatchObject({ id: res.body.job_id, queue: 'auto-assign', state: 'completed', result: { assigned: 2 }, failed_reason: null });
      expect(job.finished_at).toEqual(expect.any(String));
      expect((await get(p.id, token)).body.loan_count).toBe(2);
      // Another organization cannot see the job.
      expect((await t.http().get(res.body.status_url).set(bearer(tokenFor(t.config, newOrg(), 'admin')))).status).toBe(404);
    });

    it('answers 422 for a portfolio without criteria', async () => {
      const p = (await create({ name: uniq('NoCrit'), portfolio_type: 'static' })).body;
      const res = await t.http().post(`/portfolios/${p.id}/auto-assign`).set(bearer(admin));
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe('criteria');
    });

    it('never puts one loan in two portfolios when two auto-assigns race', async () => {
      const o = newOrg();
      const token = tokenFor(t.config, o, 'admin');
      const n = 2000;
      await insertLoans(o, Array.from({ length: n }, (_, i) => ({ loan_number: `R-${i}`, currency: 'CHF' })));
      const a = (await create({ name: 'Racer A', portfolio_type: 'dynamic', criteria: { currency: 'CHF' } }, token)).body;
      const b = (await create({ name: 'Racer B', portfolio_type: 'dynamic', criteria: { currency: 'CHF' } }, token)).body;
      const [ra, rb] = await Promise.all([
        t.http().post(`/portfolios/${a.id}/auto-assign`).set(bearer(token)),
        t.http().post(`/portfolios/${b.id}/auto-assign`).set(bearer(token)),
      ]);
      const [ja, jb] = await Promise.all([waitJob(ra.body.status_url, token), waitJob(rb.body.status_url, token)]);
      expect(ja.state).toBe('completed');
      expect(jb.state).toBe('completed');
      // Each loan went to exactly one of them: the results add up to the whole set.
      expect(ja.result.assigned + jb.result.assigned).toBe(n);
      const [pa, pb] = [(await get(a.id, token)).body, (await get(b.id, token)).body];
      expect(pa.loan_count + pb.loan_count).toBe(n);
      expect(pa.loan_count).toBe(ja.result.assigned);
    });
  });
});
