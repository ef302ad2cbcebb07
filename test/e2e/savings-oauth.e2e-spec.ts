import { randomUUID } from 'node:crypto';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

const TOKEN = '/financial-partners/connect/token';

describe('savings OAuth client credentials (e2e)', () => {
  let t: TestApp;
  const org = newOrg();

  async function newKey(app: TestApp, role: 'viewer' | 'admin', keyOrg = org): Promise<{ id: string; key: string }> {
    const res = await app.http().post('/api-keys').set(bearer(tokenFor(app.config, keyOrg, 'owner'))).send({ name: `partner-${role}`, role });
    expect(res.status).toBe(201);
    return { id: res.body.id, key: res.body.key };
  }

  const form = (app: TestApp, body: Record<string, string>) => app.http().post(TOKEN).type('form').send(body);
  const exchange = (app: TestApp, k: { id: string; key: string }) =>
    form(app, { grant_type: 'client_credentials', client_id: k.id, client_secret: k.key });

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('exchanges a key for a Bearer token that reads the paged view', async () => {
    const k = await newKey(t, 'viewer');
    const res = await exchange(t, k);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });

    const page = await t.http().get('/financial-partners/portfolios?PageNumber=1&PageSize=50').set(bearer(res.body.access_token));
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ portfolioInformation: [], pageNumber: 1, pageCount: 0, sortOrder: 'updatedDateDesc' });
    // It carries the key's role: a viewer's token cannot write.
    const write = await t.http().post('/financial-partners/clients').set(bearer(res.body.access_token))
      .send({ clientReference: 'c1', clientType: 'individual', name: 'X' });
    expect(write.status).toBe(403);
  });

  it('accepts HTTP Basic client authentication; an admin key’s token writes, and the audit names the key', async () => {
    const k = await newKey(t, 'admin');
    const res = await t.http().post(TOKEN).type('form').auth(k.id, k.key).send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    const ref = `c-${randomUUID().slice(0, 8)}`;
    const created = await t.http().post('/financial-partners/clients').set(bearer(res.body.access_token))
      .send({ clientReference: ref, clientType: 'company', name: 'Acme' });
    expect(created.status).toBe(201);
    const audit = await t.http().get('/audit-events?resource_type=savings_client').set(bearer(tokenFor(t.config, org, 'admin')));
    expect(JSON.stringify(audit.body)).toContain(k.id);
  });

  it('a revoked key’s token stops working at once, and the key gets no new one', async () => {
    const k = await newKey(t, 'viewer');
    const { access_token: token } = (await exchange(t, k)).body;
    expect((await t.http().get('/financial-partners/portfolios').set(bearer(token))).status).toBe(200);
    const revoked = await t.http().delete(`/api-keys/${k.id}`).set(bearer(tokenFor(t.config, org, 'owner')));
    expect(revoked.status).toBe(204);
    const after = await t.http().get('/financial-partners/portfolios').set(bearer(token));
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(/application\/problem\+json/);
    const again = await exchange(t, k);
    expect(again.status).toBe(401);
    expect(again.body).toEqual({ error: 'invalid_client' });
  });

  it('wrong credentials → 401 {"error":"invalid_client"} in the OAuth format', async () => {
    const k = await newKey(t, 'viewer');
    const other = await newKey(t, 'viewer');
    for (const body of <Record<string, string>[]>[
      { grant_type: 'client_credentials', client_id: k.id, client_secret: `${k.key}x` },
      { grant_type: 'client_credentials', client_id: other.id, client_secret: k.key },
      { grant_type: 'client_credentials', client_id: 'not-a-uuid', client_secret: k.key },
      { grant_type: 'client_credentials', client_id: k.id },
      { grant_type: 'client_credentials' },
    ]) {
      const res = await form(t, body);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      expect(res.body).toEqual({ error: 'invalid_client' });
    }
    const basic = await t.http().post(TOKEN).type('form').auth(k.id, 'wrong').send({ grant_type: 'client_credentials' });
    expect(basic.status).toBe(401);
    expect(basic.body).toEqual({ error: 'invalid_client' });
  });

  it('unsupported grant → 400 unsupported_grant_type; no grant → 400 invalid_request; a form elsewhere → 415', async () => {
    const k = await newKey(t, 'viewer');
    const password = await form(t, { grant_type: 'password', client_id: k.id, client_secret: k.key });
    expect(password.status).toBe(400);
    expect(password.body).toEqual({ error: 'unsupported_grant_type' });
    const none = await form(t, { client_id: k.id, client_secret: k.key });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({ error: 'invalid_request' });
    const twice = await t.http().post(TOKEN).type('form').send('grant_type=client_credentials&grant_type=client_credentials');
    expect(twice.body).toEqual({ error: 'invalid_request' });
    const elsewhere = await t.http().post('/financial-partners/clients').set(bearer(tokenFor(t.config, org, 'admin'))).type('form')
      .send({ clientReference: 'f1', clientType: 'individual', name: 'F' });
    expect(elsewhere.status).toBe(415);
  });

  it('a forged or re-signed token naming a key is refused', async () => {
    const k = await newKey(t, 'viewer');
    const otherOrgKey = await newKey(t, 'viewer', newOrg());
    // Signed with the server's secret but claiming another organization than the key's.
    const { signToken } = await import('../../src/common/auth/credentials');
    const mismatched = signToken({ sub: `api_key:${otherOrgKey.id}`, org, role: 'viewer', apiKeyId: otherOrgKey.id }, t.config.jwtSecret);
    expect((await t.http().get('/financial-partners/portfolios').set(bearer(mismatched))).status).toBe(401);
    const good = (await exchange(t, k)).body.access_token as string;
    const [h, p] = good.split('.');
    expect((await t.http().get('/financial-partners/portfolios').set(bearer(`${h}.${p}.AAAA`))).status).toBe(401);
  });

  it('is documented in OpenAPI with an OAuth2 client-credentials scheme', async () => {
    const docs = (await t.http().get('/docs-json')).body;
    expect(docs.components.securitySchemes.oauth2).toMatchObject({
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: TOKEN, scopes: {} } },
    });
    const op = docs.paths[TOKEN].post;
    expect(Object.keys(op.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(op.security).toEqual([]);
    expect(docs.paths['/financial-partners/portfolios'].get.security).toContainEqual({ oauth2: [] });
  });

  describe('with REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN=true', () => {
    let strict: TestApp;
    beforeAll(async () => {
      strict = await startApp({ REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN: 'true' });
    });
    afterAll(async () => {
      await strict.close();
    });

    it('savings routes need the subscription key and a token of one organization; other routes do not', async () => {
      const k = await newKey(strict, 'viewer');
      const token = (await exchange(strict, k)).body.access_token as string;
      const page = () => strict.http().get('/financial-partners/portfolios');
      expect((await page().set(bearer(token))).status).toBe(401);
      expect((await page().set('cdpapi-Subscription-Key', k.key)).status).toBe(401);
      expect((await page().set(bearer(token)).set('cdpapi-Subscription-Key', k.key)).status).toBe(200);
      // A user token of the same organization also pairs with the key.
      expect((await page().set(bearer(tokenFor(strict.config, org, 'viewer'))).set('cdpapi-Subscription-Key', k.key)).status).toBe(200);
      const foreign = await newKey(strict, 'viewer', newOrg());
      expect((await page().set(bearer(token)).set('cdpapi-Subscription-Key', foreign.key)).status).toBe(401);
      expect((await strict.http().get('/api-keys').set(bearer(tokenFor(strict.config, org, 'owner')))).status).toBe(200);
    });
  });

  describe('rate limits', () => {
    let limited: TestApp;
    beforeAll(async () => {
      // Its own Redis namespace, so other files' requests from 127.0.0.1 do not count here.
      limited = await startApp({ RATE_LIMIT_MAX: '3', QUEUE_PREFIX: `rl_${randomUUID().slice(0, 8)}` });
    });
    afterAll(async () => {
      await limited.close();
    });

    it('counts token attempts per address, whatever credentials each one tries', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await limited.http().post(TOKEN).type('form').auth(randomUUID(), `psk_guess${i}`).send({ grant_type: 'client_credentials' });
        statuses.push(res.status);
        if (res.status === 429) expect(res.headers['retry-after']).toBeDefined();
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
    });
  });
});
