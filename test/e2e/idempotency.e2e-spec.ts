import { request as httpRequest } from 'node:http';
import { withOrgSql } from '../factories/db';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

const PROGRAM = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';
const HEADER = 'loan_number,borrower_name,program_id,origination_date,original_principal,principal_balance,interest_rate,term_months';
const csv = (...numbers: string[]) => [HEADER, ...numbers.map((n) => `${n},Ada Lovelace,${PROGRAM},2025-05-01,1000.00,900.00,0.0525,24`)].join('\n');

/** Every stored column of one key, as text, read as the owner with the organization set. */
const storedRows = (org: string, key: string) =>
  withOrgSql(org, async (c) => (await c.query('SELECT t::text AS row FROM idempotency_keys t WHERE key = $1', [key])).rows.map((r) => r.row as string));

const loanNumbers = (org: string) =>
  withOrgSql(org, async (c) =>
    (await c.query('SELECT loan_number FROM loans WHERE organization_id = $1 ORDER BY 1', [org])).rows.map((r) => r.loan_number as string),
  );

describe('Idempotency-Key per caller, secrets and streamed bodies (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const alice = () => tokenFor(t.config, org, 'owner', 'alice');
  const bob = () => tokenFor(t.config, org, 'owner', 'bob');
  let seq = 0;
  const freshKey = () => `idem-${Date.now()}-${++seq}`;
  const createKey = (token: string, key: string, name = 'ci') =>
    t.http().post('/api-keys').set({ ...bearer(token), 'Idempotency-Key': key }).send({ name, role: 'viewer' });

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("another caller of the same organization with the same key gets a fresh key of its own, and no trace of the first", async () => {
    const key = freshKey();
    const first = await createKey(alice(), key);
    const second = await createKey(bob(), key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.key).toMatch(/^psk_/);
    const raw = JSON.stringify(second.body) + JSON.stringify(second.headers);
    expect(raw).not.toContain(first.body.id);
    expect(raw).not.toContain(first.body.key);
    // Both keys exist: the second request really ran.
    const list = await t.http().get('/api-keys?page_size=500').set(bearer(alice()));
    expect(list.body.results.map((k: { id: string }) => k.id)).toEqual(expect.arrayContaining([first.body.id, second.body.id]));
  });

  it('an API key is a caller of its own: same Idempotency-Key as a token user, its own answer', async () => {
    const made = await t.http().post('/api-keys').set(bearer(alice())).send({ name: 'machine', role: 'owner' });
    const key = freshKey();
    const byToken = await createKey(alice(), key);
    const byKey = await t.http().post('/api-keys').set({ 'X-API-Key': made.body.key, 'Idempotency-Key': key }).send({ name: 'ci', role: 'viewer' });
    expect(byKey.status).toBe(201);
    expect(byKey.body.id).not.toBe(byToken.body.id);
    expect(byKey.body.key).toMatch(/^psk_/);
  });

  it('a replay by the same caller has the same body with the secret withheld, and says so', async () => {
    const key = freshKey();
    const first = await createKey(alice(), key, 'replayed');
    const again = await createKey(alice(), key, 'replayed');
    expect(again.status).toBe(201);
    expect(again.body).toEqual({ ...first.body, key: null });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['secret-withheld']).toMatch(/^key; shown only in the first response/);
    expect(JSON.stringify(again.body)).not.toContain(first.body.key);
    const list = await t.http().get('/api-keys?page_size=500').set(bearer(alice()));
    expect(list.body.results.filter((k: { name: string }) => k.name === 'replayed')).toHaveLength(1);
  });

  it('the stored answer holds no secret', async () => {
    const key = freshKey();
    const first = await createKey(alice(), key);
    const stored = await storedRows(org, key);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toContain(first.body.id);
    expect(stored[0]).not.toContain(first.body.key);
    // Nor any recognizable part of it (the prefix kept for display is 10 characters).
    expect(stored[0]).not.toContain(first.body.key.slice(4, 24));
  });

  describe('a streamed CSV import', () => {
    const importer = () => tokenFor(t.config, org, 'admin', 'importer');
    const upload = (key: string, body: string, token = importer()) =>
      t.http().post('/loans/import').set({ ...bearer(token), 'Idempotency-Key': key, 'Content-Type': 'text/csv' }).send(body);

    it('is identified by its bytes: the same file replays, another file of the same length is a 422 and imports nothing', async () => {
      const key = freshKey();
      const fileA = csv('IDEM-A1', 'IDEM-A2');
      const fileB = csv('IDEM-B1', 'IDEM-B2'); // same length, type and route as fileA
      expect(fileB.length).toBe(fileA.length);

      const first = await upload(key, fileA);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ inserted: 2, updated: 0 });

      const replay = await upload(key, fileA);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ inserted: 2, updated: 0 });
      expect(replay.headers['idempotent-replayed']).toBe('true');

      const other = await upload(key, fileB);
      expect(other.status).toBe(422);
      expect(other.headers['content-type']).toMatch(/problem\+json/);
      expect(other.body.errors[0].field).toBe('Idempotency-Key');
      expect(await loanNumbers(org)).toEqual(['IDEM-A1', 'IDEM-A2']);

      // Another caller's file under the same key string is its own request.
      const elsewhere = await upload(key, fileB, tokenFor(t.config, org, 'admin', 'someone-else'));
      expect(elsewhere.status).toBe(200);
      expect(await loanNumbers(org)).toEqual(['IDEM-A1', 'IDEM-A2', 'IDEM-B1', 'IDEM-B2']);
    });

    it('an upload cut off mid-file leaves the key free: the retry imports the whole file', async () => {
      const key = freshKey();
      const file = csv('IDEM-D1', 'IDEM-D2');
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${t.url}/loans/import`, {
          method: 'POST',
          headers: { ...bearer(importer()), 'Idempotency-Key': key, 'Content-Type': 'text/csv', 'Content-Length': String(file.length * 10) },
        });
        req.on('error', () => resolve());
        req.write(file.slice(0, 40));
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 300);
      });
      // The server notices the hang-up, rolls back and lets the key go (409 until it has).
      let retry = await upload(key, file);
      for (let i = 0; i < 100 && retry.status === 409; i++) {
        await new Promise((r) => setTimeout(r, 100));
        retry = await upload(key, file);
      }
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual({ inserted: 2, updated: 0 });
    });

    it('a rejected file is replayed as rejected; a corrected file needs a new key', async () => {
      const key = freshKey();
      const bad = csv('IDEM-C1').replace('900.00', 'lots');
      const first = await upload(key, bad);
      expect(first.status).toBe(422);
      const again = await upload(key, bad);
      expect(again.status).toBe(422);
      expect(again.body).toEqual(first.body);
      const fixed = await upload(key, csv('IDEM-C1'));
      expect(fixed.status).toBe(422);
      expect(fixed.body.errors[0].field).toBe('Idempotency-Key');
      expect(await loanNumbers(org)).not.toContain('IDEM-C1');
    });
  });
});
