import jwt from 'jsonwebtoken';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

describe('platform (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const otherOrg = newOrg();

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const owner = () => tokenFor(t.config, org, 'owner');

  describe('authentication', () => {
    it('answers 401 problem+json without credentials', async () => {
      const res = await t.http().get('/api-keys');
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    });

    it('answers 401 for a forged, an expired, an unknown-role and an alg:none token', async () => {
      const forged = jwt.sign({ sub: 'u', org, role: 'owner' }, 'not-the-secret-not-the-secret-123', { expiresIn: 60 });
      const expired = jwt.sign({ sub: 'u', org, role: 'owner', exp: Math.floor(Date.now() / 1000) - 60 }, t.config.jwtSecret);
      const badRole = jwt.sign({ sub: 'u', org, role: 'superuser' }, t.config.jwtSecret, { expiresIn: 60 });
      const none = jwt.sign({ sub: 'u', org, role: 'owner', exp: 9_999_999_999 }, '', { algorithm: 'none' });
      for (const token of [forged, expired, badRole, none, 'garbage']) {
        const res = await t.http().get('/api-keys').set(bearer(token));
        expect(res.status).toBe(401);
      }
    });

    it('answers 403 when the role is too low', async () => {
      const viewer = tokenFor(t.config, org, 'viewer');
      const admin = tokenFor(t.config, org, 'admin');
      expect((await t.http().post('/api-keys').set(bearer(viewer)).send({ name: 'x', role: 'viewer' })).status).toBe(403);
      // API keys are owner-only, reads included.
      expect((await t.http().get('/api-keys').set(bearer(admin))).status).toBe(403);
      expect((await t.http().get('/audit-events').set(bearer(viewer))).status).toBe(403);
    });
  });

  describe('API keys', () => {
    it('creates a key shown once, authenticates with it, and revokes it at once', async () => {
      const created = await t.http().post('/api-keys').set(bearer(owner())).send({ name: 'ci', role: 'viewer' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'ci',
        role: 'viewer',
        key: expect.stringMatching(/^psk_/),
        created_at: expect.any(String),
      });
      const key = created.body.key as string;

      const listed = await t.http().get('/api-keys').set(bearer(owner()));
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(key);

      expect((await t.http().get('/jobs/nope').set('X-API-Key', key)).status).toBe(404);
      // A viewer key cannot write.
      expect((await t.http().post('/api-keys').set('X-API-Key', key).send({ name: 'y', role: 'owner' })).status).toBe(403);

      expect((await t.http().delete(`/api-keys/${created.body.id}`).set(bearer(owner()))).status).toBe(204);
      expect((await t.http().get('/jobs/nope').set('X-API-Key', key)).status).toBe(401);
    });

    it("hides another organization's key: 404 on revoke, absent from lists", async () => {
      const created = await t.http().post('/api-keys').set(bearer(owner())).send({ name: 'mine', role: 'admin' });
      const other = tokenFor(t.config, otherOrg, 'owner');
      expect((await t.http().delete(`/api-keys/${created.body.id}`).set(bearer(other))).status).toBe(404);
      const list = await t.http().get('/api-keys').set(bearer(other));
      expect(list.body.results.map((k: { id: string }) => k.id)).not.toContain(created.body.id);
    });
  });

  describe('bad input is problem+json naming the field', () => {
    it('validation: each bad field is named', async () => {
      const res = await t.http().post('/api-keys').set(bearer(owner())).send({ name: '', role: 'emperor' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'role']));
    });

    it('unknown fields are rejected and named', async () => {
      const res = await t.http().post('/api-keys').set(bearer(owner())).send({ name: 'a', role: 'viewer', id: 'x', admin: true });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'id', message: 'unknown field' },
          { field: 'admin', message: 'unknown field' },
        ]),
      );
    });

    it('malformed JSON', async () => {
      const res = await t.http().post('/api-keys').set(bearer(owner())).set('Content-Type', 'application/json').send('{"name": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: 400, errors: [{ field: 'body' }] });
    });

    it('unknown route', async () => {
      const res = await t.http().get('/no-such-thing').set(bearer(owner()));
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });

    it('body too large', async () => {
      const res = await t
        .http()
        .post('/api-keys')
        .set(bearer(owner()))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ name: 'x'.repeat(t.config.bodyLimitBytes + 10), role: 'viewer' }));
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ status: 413, errors: [{ field: 'body' }] });
    });

    it('wrong content type', async () => {
      const xml = await t.http().post('/api-keys').set(bearer(owner())).set('Content-Type', 'application/xml').send('<a/>');
      expect(xml.status).toBe(415);
      const csv = await t.http().post('/api-keys').set(bearer(owner())).set('Content-Type', 'text/csv').send('a,b');
      expect(csv.status).toBe(415);
      expect(csv.body.errors[0].field).toBe('Content-Type');
    });

    it('a job id of another organization is a 404', async () => {
      const res = await t.http().get(`/jobs/auto-assign.auto-assign.${otherOrg}.x`).set(bearer(owner()));
      expect(res.status).toBe(404);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body, and refuses another body', async () => {
      const headers = { ...bearer(owner()), 'Idempotency-Key': `k-${Date.now()}` };
      const first = await t.http().post('/api-keys').set(headers).send({ name: 'idem', role: 'viewer' });
      const again = await t.http().post('/api-keys').set(headers).send({ name: 'idem', role: 'viewer' });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      // The same key (same id): the effect did not repeat; its secret is never stored, so the replay withholds it.
      expect(again.body).toEqual({ ...first.body, key: null });
      const list = await t.http().get('/api-keys?page_size=500').set(bearer(owner()));
      expect(list.body.results.filter((k: { name: string }) => k.name === 'idem')).toHaveLength(1);

      const different = await t.http().post('/api-keys').set(headers).send({ name: 'other', role: 'viewer' });
      expect(different.status).toBe(422);
      expect(different.body.errors[0].field).toBe('Idempotency-Key');
    });

    it('replays a stored 4xx answer too', async () => {
      const headers = { ...bearer(owner()), 'Idempotency-Key': `bad-${Date.now()}` };
      const first = await t.http().post('/api-keys').set(headers).send({ name: 'x', role: 'nope' });
      const again = await t.http().post('/api-keys').set(headers).send({ name: 'x', role: 'nope' });
      expect(first.status).toBe(400);
      expect(again.status).toBe(400);
      expect(again.body).toEqual(first.body);
    });

    it('keys are per organization', async () => {
      const key = `shared-${Date.now()}`;
      const a = await t.http().post('/api-keys').set({ ...bearer(owner()), 'Idempotency-Key': key }).send({ name: 'a', role: 'viewer' });
      const b = await t
        .http()
        .post('/api-keys')
        .set({ ...bearer(tokenFor(t.config, otherOrg, 'owner')), 'Idempotency-Key': key })
        .send({ name: 'a', role: 'viewer' });
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body.id).not.toBe(a.body.id);
    });
  });

  describe('audit trail', () => {
    it('records writes with who, what and the request id, without secrets', async () => {
      const res = await t.http().post('/api-keys').set(bearer(owner())).set('X-Request-Id', 'req-audit-1').send({ name: 'audited', role: 'admin' });
      const audit = await t.http().get(`/audit-events?resource_type=api_key&resource_id=${res.body.id}`).set(bearer(owner()));
      expect(audit.status).toBe(200);
      expect(audit.body.count).toBe(1);
      expect(audit.body.results[0]).toMatchObject({
        action: 'api_key.create',
        resource_type: 'api_key',
        resource_id: res.body.id,
        actor_subject: 'user-owner',
        actor_role: 'owner',
        request_id: 'req-audit-1',
      });
      expect(JSON.stringify(audit.body)).not.toContain(res.body.key);
    });
  });

  describe('operations', () => {
    it('serves health, metrics and the OpenAPI document without credentials', async () => {
      expect((await t.http().get('/health/live')).body).toEqual({ status: 'ok' });
      expect((await t.http().get('/health/ready')).body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' }, schedules: expect.any(Array) });
      const metrics = await t.http().get('/metrics');
      expect(metrics.text).toContain('http_request_duration_seconds');
      const docs = await t.http().get('/docs-json');
      expect(docs.body.paths['/api-keys']).toBeDefined();
    });

    it('paginates with absolute next/previous links and refuses page_size above 500', async () => {
      const token = tokenFor(t.config, newOrg(), 'owner');
      for (let i = 0; i < 3; i++) await t.http().post('/api-keys').set(bearer(token)).send({ name: `p${i}`, role: 'viewer' });
      const p1 = await t.http().get('/api-keys?page=1&page_size=2').set(bearer(token));
      expect(p1.body).toMatchObject({ count: 3, previous: null });
      expect(p1.body.next).toBe(`${t.url}/api-keys?page=2&page_size=2`);
      const p2 = await t.http().get('/api-keys?page=2&page_size=2').set(bearer(token));
      expect(p2.body.results).toHaveLength(1);
      expect(p2.body.previous).toBe(`${t.url}/api-keys?page=1&page_size=2`);
      const tooBig = await t.http().get('/api-keys?page_size=501').set(bearer(token));
      expect(tooBig.status).toBe(400);
      expect(tooBig.body.errors[0].field).toBe('page_size');
    });
  });
});
