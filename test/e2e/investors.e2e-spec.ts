import { withOrgSql } from '../factories/db';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

const IBAN = 'DE89370400440532013000';
const ACCOUNT = '000123456789';

describe('investors and settlement instruments (e2e)', () => {
  let t: TestApp;
  const org = newOrg();
  const admin = () => bearer(tokenFor(t.config, org, 'admin'));

  beforeAll(async () => {
    t = await startApp({ PROCESS_ROLE: 'api' });
  });
  afterAll(async () => {
    await t.close();
  });

  const newInvestor = async (body: Record<string, unknown> = {}) => {
    const res = await t.http().post('/investors').set(admin()).send({ name: 'Harbor Credit Fund', investor_type: 'fund', country: 'US', ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; version: number };
  };
  const addInstrument = (investorId: string, body: Record<string, unknown>) =>
    t.http().post(`/investors/${investorId}/settlement-instruments`).set(admin()).send({ account_holder_name: 'Harbor Credit Fund LP', ...body });

  describe('investors', () => {
    it('creates, reads with an ETag, lists and updates with If-Match', async () => {
      const created = await t.http().post('/investors').set(admin()).send({
        name: 'Northwind Bank', legal_name: 'Northwind Bank plc', investor_type: 'bank', email: 'ops@northwind.example', country: 'gb',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String), name: 'Northwind Bank', legal_name: 'Northwind Bank plc', investor_type: 'bank',
        email: 'ops@northwind.example', country: 'GB', status: 'active', created_at: expect.any(String), updated_at: expect.any(String), version: 1,
      });
      const id = created.body.id as string;
      const got = await t.http().get(`/investors/${id}`).set(bearer(tokenFor(t.config, org, 'viewer')));
      expect(got.status).toBe(200);
      expect(got.headers.etag).toBe('"1"');

      const list = await t.http().get('/investors?page_size=1').set(admin());
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ count: expect.any(Number), previous: null, results: [expect.objectContaining({ id })] });

      const put = await t.http().put(`/investors/${id}`).set(admin()).set('If-Match', '"1"').send({ status: 'inactive', email: null });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ status: 'inactive', email: null, version: 2 });
      expect(put.headers.etag).toBe('"2"');

      const stale = await t.http().put(`/investors/${id}`).set(admin()).set('If-Match', '"1"').send({ name: 'Late' });
      expect(stale.status).toBe(412);
      expect(stale.headers['content-type']).toMatch(/problem\+json/);
    });

    it('rejects bad input with 400 naming the fields', async () => {
      const res = await t.http().post('/investors').set(admin()).send({ name: 'X', investor_type: 'hedge', country: 'XX', email: 'nope', id: 'a' });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['country', 'email', 'id', 'investor_type']);
      const nullName = await t.http().put(`/investors/${(await newInvestor()).id}`).set(admin()).send({ name: null });
      expect(nullName.status).toBe(400);
    });

    it("answers 404 for another organization's investor and a viewer cannot write", async () => {
      const { id } = await newInvestor();
      const other = bearer(tokenFor(t.config, newOrg(), 'admin'));
      expect((await t.http().get(`/investors/${id}`).set(other)).status).toBe(404);
      expect((await t.http().put(`/investors/${id}`).set(other).send({ name: 'Mine' })).status).toBe(404);
      expect((await t.http().get(`/investors/${id}/settlement-instruments`).set(other)).status).toBe(404);
      const viewer = bearer(tokenFor(t.config, org, 'viewer'));
      expect((await t.http().post('/investors').set(viewer).send({ name: 'V', investor_type: 'other' })).status).toBe(403);
    });
  });

  describe('settlement instruments', () => {
    it('accepts a valid IBAN and refuses a corrupted one, naming the field', async () => {
      const { id } = await newInvestor();
      const ok = await addInstrument(id, { instrument_type: 'sepa', currency: 'EUR', iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ instrument_type: 'sepa', iban_last4: '3000', account_number_last4: null, bic: 'COBADEFFXXX', is_default: false, version: 1 });
      // Last digit changed: the mod-97 check digits no longer match.
      const bad = await addInstrument(id, { instrument_type: 'sepa', currency: 'EUR', iban: 'DE89370400440532013001', bic: 'COBADEFFXXX' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'iban', message: expect.stringMatching(/IBAN/) }]);
    });

    it('accepts a valid routing number and refuses a corrupted one, naming the field', async () => {
      const { id } = await newInvestor();
      const ok = await addInstrument(id, { instrument_type: 'ach', currency: 'USD', routing_number: '021000021', account_number: ACCOUNT });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ routing_number: '021000021', account_number_last4: '6789', iban_last4: null });
      // 021000022: weighted sum 31, not a multiple of 10.
      const bad = await addInstrument(id, { instrument_type: 'wire', currency: 'USD', routing_number: '021000022', account_number: ACCOUNT });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'routing_number', message: 'routing_number fails the ABA checksum' }]);
    });

    it('checks the fields each type needs', async () => {
      const { id } = await newInvestor();
      const fp = await addInstrument(id, { instrument_type: 'faster_payments', currency: 'GBP', sort_code: '60-16-13', account_number: '31926819' });
      expect(fp.status).toBe(201);
      expect(fp.body).toMatchObject({ sort_code: '601613', account_number_last4: '6819' });
      const short = await addInstrument(id, { instrument_type: 'faster_payments', currency: 'GBP', sort_code: '6016', account_number: '3192681' });
      expect(short.body.errors.map((e: { field: string }) => e.field)).toEqual(['account_number', 'sort_code']);
      const swift = await addInstrument(id, { instrument_type: 'swift', currency: 'USD', bic: 'COBADEFF' });
      expect(swift.status).toBe(400);
      expect(swift.body.errors.map((e: { field: string }) => e.field)).toEqual(['iban', 'account_number']);
      const foreign = await addInstrument(id, { instrument_type: 'ach', currency: 'USD', routing_number: '021000021', account_number: ACCOUNT, iban: IBAN });
      expect(foreign.body.errors).toEqual([{ field: 'iban', message: 'iban is not used by instrument_type ach' }]);
      const fixed = await t.http().put(`/settlement-instruments/${fp.body.id}`).set(admin()).send({ currency: 'EUR' });
      expect(fixed.status).toBe(400);
    });

    it('never returns or audits a full account number or IBAN, and stores only ciphertext', async () => {
      const { id } = await newInvestor();
      const sepa = await addInstrument(id, { instrument_type: 'sepa', currency: 'EUR', iban: IBAN, bic: 'COBADEFFXXX' });
      const ach = await addInstrument(id, { instrument_type: 'ach', currency: 'USD', routing_number: '011000015', account_number: ACCOUNT });
      const put = await t.http().put(`/settlement-instruments/${ach.body.id}`).set(admin()).send({ account_number: '99887766554' });
      expect(put.body.account_number_last4).toBe('6554');
      const bodies = [
        sepa.body, ach.body, put.body,
        (await t.http().get(`/settlement-instruments/${sepa.body.id}`).set(admin())).body,
        (await t.http().get(`/investors/${id}/settlement-instruments`).set(admin())).body,
        (await t.http().get('/audit-events?resource_type=settlement_instrument&page_size=500').set(admin())).body,
      ];
      const text = JSON.stringify(bodies);
      expect(text).toContain('settlement_instrument.update');
      for (const secret of [IBAN, '0532013000', ACCOUNT, '123456789', '99887766554']) expect(text).not.toContain(secret);

      const stored = await withOrgSql(org, async (c) =>
        JSON.stringify((await c.query(`SELECT * FROM settlement_instruments WHERE investor_id = $1`, [id])).rows),
      );
      expect(stored).toMatch(/v2\.[0-9a-f]{8}\./);
      for (const secret of [IBAN, ACCOUNT, '99887766554']) expect(stored).not.toContain(secret);
    });

    it('keeps one default per investor and currency, switching it when a new one is set', async () => {
      const { id } = await newInvestor();
      const usd = { instrument_type: 'ach', currency: 'USD', routing_number: '021000021', account_number: '12345678' };
      const a = await addInstrument(id, { ...usd, is_default: true });
      const b = await addInstrument(id, { ...usd, is_default: true });
      const eur = await addInstrument(id, { instrument_type: 'sepa', currency: 'EUR', iban: IBAN, bic: 'COBADEFF', is_default: true });
      const defaults = async () =>
        Object.fromEntries(
          ((await t.http().get(`/investors/${id}/settlement-instruments`).set(admin())).body.results as { id: string; is_default: boolean }[]).map((r) => [r.id, r.is_default]),
        );
      expect(await defaults()).toEqual({ [a.body.id]: false, [b.body.id]: true, [eur.body.id]: true });

      const back = await t.http().put(`/settlement-instruments/${a.body.id}`).set(admin()).set('If-Match', '"2"').send({ is_default: true });
      expect(back.status).toBe(200);
      expect(back.body).toMatchObject({ is_default: true, version: 3 });
      expect(await defaults()).toEqual({ [a.body.id]: true, [b.body.id]: false, [eur.body.id]: true });

      const stale = await t.http().put(`/settlement-instruments/${b.body.id}`).set(admin()).set('If-Match', '"1"').send({ is_default: true });
      expect(stale.status).toBe(412);
      const inactive = await t.http().put(`/settlement-instruments/${a.body.id}`).set(admin()).send({ status: 'inactive' });
      expect(inactive.body).toMatchObject({ status: 'inactive', is_default: false });
      const bad = await t.http().put(`/settlement-instruments/${a.body.id}`).set(admin()).send({ is_default: true });
      expect(bad.status).toBe(422);
    });
  });
});
