import jwt from 'jsonwebtoken';
import { systemActor } from '../../src/common/auth/actor';
import { JobProducer } from '../../src/jobs/job-producer';
import { QUEUES } from '../../src/jobs/queues';
import { withOrgSql } from '../factories/db';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor, waitForJob } from '../support/app';

/** Issue #13 item 6: bounds on input and problem+json for what the framework itself refuses. */
describe('input bounds (e2e)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startApp();
    admin = tokenFor(t.config, newOrg());
  });
  afterAll(() => t.close());

  const isProblem = (res: { headers: Record<string, string>; body: { status?: number } }, status: number) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(status);
  };

  describe('framework errors are problem+json', () => {
    it('bad percent-encoding in the path', async () => {
      for (const p of ['/loans/%E0%A4%A', '/portfolios/%ZZ', '/%E0%A4%A', '/loans/%']) {
        const res = await t.http().get(p).set(bearer(admin));
        expect(res.status).toBe(400);
        isProblem(res, 400);
        expect(res.text).not.toMatch(/FST_ERR|statusCode/);
      }
    });

    it('over-long path parameters', async () => {
      for (const p of [`/loans/${'a'.repeat(5000)}`, `/portfolios/${'9'.repeat(300)}/loans`, `/investors/${'x'.repeat(257)}`]) {
        const res = await t.http().get(p).set(bearer(admin));
        expect(res.status).toBe(400);
        isProblem(res, 400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'path' })]);
      }
    });

    it('unknown route, unknown method, unsupported media, malformed JSON, body too large', async () => {
      const unknown = await t.http().get('/no/such/route').set(bearer(admin));
      isProblem(unknown, 404);
      const media = await t.http().post('/portfolios').set(bearer(admin)).set('Content-Type', 'application/x-www-form-urlencoded').send('a=b');
      isProblem(media, 415);
      const text = await t.http().post('/portfolios').set(bearer(admin)).set('Content-Type', 'text/plain').send('hello');
      isProblem(text, 415);
      const malformed = await t.http().post('/portfolios').set(bearer(admin)).set('Content-Type', 'application/json').send('{"a":');
      isProblem(malformed, 400);
      const big = await t.http().post('/portfolios').set(bearer(admin)).set('Content-Type', 'application/json').send(`{"name":"${'x'.repeat(t.config.bodyLimitBytes)}"}`);
      isProblem(big, 413);
    });
  });

  describe('JSON depth', () => {
    const nested = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

    it('refuses JSON nested deeper than 32 levels with a 400 naming the body', async () => {
      for (const body of [nested(33), '['.repeat(40) + ']'.repeat(40), nested(100_000), `{"name":"x","portfolio_type":"static","description":${'['.repeat(64)}${']'.repeat(64)}}`]) {
        const res = await t.http().post('/portfolios').set(bearer(admin)).set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
        isProblem(res, 400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body' })]);
      }
    });

    it('still parses JSON within the depth, brackets inside strings do not count', async () => {
      const name = `deep ${'[{'.repeat(50)} "\\"[ name`;
      const res = await t.http().post('/portfolios').set(bearer(admin)).send({ name, portfolio_type: 'static' });
      expect(res.status).toBe(201);
      expect(res.body.name).toBe(name);
      // 32 levels is the limit itself: allowed as far as the parser goes (the DTO then refuses the field).
      const edge = await t.http().post('/portfolios').set(bearer(admin)).set('Content-Type', 'application/json').send(`{"name":"e","portfolio_type":"static","x":${nested(31)}}`);
      expect(edge.status).toBe(400);
      expect(edge.body.errors).toEqual([{ field: 'x', message: 'unknown field' }]);
    });

    it('keeps __proto__ and constructor.prototype out', async () => {
      for (const body of ['{"name":"p","portfolio_type":"static","__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}']) {
        const res = await t.http().post('/portfolios').set(bearer(admin)).set('Content-Type', 'application/json').send(body);
        expect(res.status).toBe(400);
        isProblem(res, 400);
      }
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
    });
  });

  describe('criteria', () => {
    const create = (criteria: Record<string, unknown>, token = admin) =>
      t.http().post('/portfolios').set(bearer(token)).send({ name: `C ${Math.random()}`, portfolio_type: 'dynamic', criteria });

    it('bounds every numeric criterion', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ max_days_past_due: 100_001 }, 'criteria.max_days_past_due'],
        [{ max_days_past_due: 1e12 }, 'criteria.max_days_past_due'],
        [{ max_days_past_due: -1 }, 'criteria.max_days_past_due'],
        [{ max_days_past_due: 1.5 }, 'criteria.max_days_past_due'],
        [{ min_interest_rate: '1' }, 'criteria.min_interest_rate'],
        [{ max_interest_rate: '-0.01' }, 'criteria.max_interest_rate'],
        [{ max_interest_rate: '1e-3' }, 'criteria.max_interest_rate'],
      ];
      for (const [criteria, field] of cases) {
        const res = await create(criteria);
        expect(res.status).toBe(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      const edge = await create({ max_days_past_due: 100_000, min_interest_rate: '0', max_interest_rate: '0.999999' });
      expect(edge.status).toBe(201);
    });

    it('runs each dynamic portfolio in isolation: one whose criteria fail at run time is reported, the others assign', async () => {
      const org = newOrg();
      const token = tokenFor(t.config, org);
      await insertLoans(org, [{ currency: 'SEK' }, { currency: 'SEK' }, { currency: 'NOK' }, { currency: 'DKK' }]);
      const first = (await create({ currency: 'SEK' }, token)).body;
      const bad = (await create({ currency: 'NOK' }, token)).body;
      const alsoBad = (await create({ currency: 'NOK' }, token)).body;
      const last = (await create({ currency: 'DKK' }, token)).body;
      // Rows written around the API: numbers the database refuses when the criteria are evaluated.
      await withOrgSql(org, async (c) => {
        await c.query(`UPDATE portfolios SET criteria = '{"currency": "NOK", "max_days_past_due": 1e12}' WHERE id = $1`, [bad.id]);
        await c.query(`UPDATE portfolios SET criteria = '{"min_interest_rate": "not a number"}' WHERE id = $1`, [alsoBad.id]);
      });
      const job = await t.app.get(JobProducer).enqueue(QUEUES.autoAssign, 'auto-assign-dynamic', systemActor(org), {});
      const done = await waitForJob(t, token, job.status_url);
      expect(done.state).toBe('completed');
      expect(done.result).toEqual({
        portfolios: 4,
        assigned: 3, // 2 SEK loans to the first portfolio + 1 DKK loan to the last
        failed: [
          { portfolio_id: bad.id, reason: expect.stringMatching(/out of range/) },
          { portfolio_id: alsoBad.id, reason: expect.stringMatching(/invalid input syntax/) },
        ],
      });
      const count = async (id: string) => (await t.http().get(`/portfolios/${id}`).set(bearer(token))).body.loan_count;
      expect(await count(first.id)).toBe(2);
      expect(await count(last.id)).toBe(1);
      expect(await count(bad.id)).toBe(0);
    });
  });

  describe('token lifetime', () => {
    const org = newOrg();
    const call = (token: string) => t.http().get('/portfolios').set(bearer(token));
    const now = () => Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>) => jwt.sign({ sub: 'u', org, role: 'viewer', ...claims }, t.config.jwtSecret);

    it('accepts tokens up to JWT_MAX_TTL_SECONDS (default 24 h)', async () => {
      expect((await call(tokenFor(t.config, org))).status).toBe(200);
      const iat = now(); // once: two calls could straddle a second and make the lifetime 24 h + 1 s
      expect((await call(sign({ iat, exp: iat + 86_400 }))).status).toBe(200);
    });

    it('refuses a longer lifetime, an iat more than 60 s ahead, and a token without exp (401 problem)', async () => {
      for (const token of [
        sign({ iat: now(), exp: now() + 86_401 }), // 24 h + 1 s
        sign({ iat: now() - 3600, exp: now() + 86_000 }), // issued for about 25 h
        sign({ iat: now() + 300, exp: now() + 3600 }), // issued five minutes from now
        sign({}), // no exp at all
      ]) {
        const res = await call(token);
        expect(res.status).toBe(401);
        isProblem(res, 401);
      }
    });
  });
});
