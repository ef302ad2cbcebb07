import type { QueryRunner } from 'typeorm';
import { FieldCipher } from '../../src/common/crypto/field-cipher';
import { ShortAccountMasks1764600000013 } from '../../src/database/migrations/1764600000013-short-account-masks';
import { ACCOUNT_CONTEXT, IBAN_CONTEXT } from '../../src/modules/investors/instruments.service';
import { withOrgSql } from '../factories/db';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

const ROUTING = '021000021';
const IBAN = 'DE89370400440532013000';

/** Issue #13 item 7: a masked number never shows whole, and its ciphertext only opens in its own row. */
describe('account number masking and row-bound ciphertext (e2e)', () => {
  let t: TestApp;
  let cipher: FieldCipher;
  const org = newOrg();
  const admin = () => bearer(tokenFor(t.config, org, 'admin'));
  let investorId: string;

  beforeAll(async () => {
    t = await startApp({ PROCESS_ROLE: 'api' });
    cipher = FieldCipher.fromConfig(t.config);
    const inv = await t.http().post('/investors').set(admin()).send({ name: 'Mask Fund', investor_type: 'fund', country: 'US' });
    investorId = inv.body.id;
  });
  afterAll(() => t.close());

  const add = async (body: Record<string, unknown>) => {
    const res = await t.http().post(`/investors/${investorId}/settlement-instruments`).set(admin()).send({ account_holder_name: 'Mask Fund LP', ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; account_number_last4: string | null; iban_last4: string | null };
  };
  const stored = (id: string) =>
    withOrgSql(org, async (c) => (await c.query(`SELECT account_number_enc, iban_enc FROM settlement_instruments WHERE id = $1`, [id])).rows[0]);

  it('shows at most half of a short account number, never the whole of it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ instrument_type: 'ach', currency: 'USD', routing_number: ROUTING, account_number: '1234' }, '34'], // 4 digits → 2
      [{ instrument_type: 'wire', currency: 'USD', routing_number: ROUTING, account_number: '1234567' }, '567'], // 7 → 3
      [{ instrument_type: 'ach', currency: 'USD', routing_number: ROUTING, account_number: '12345678' }, '5678'], // 8 → 4
      [{ instrument_type: 'swift', currency: 'USD', bic: 'DEUTDEFF', account_number: 'AB12' }, '12'], // 4 → 2
      [{ instrument_type: 'swift', currency: 'USD', bic: 'DEUTDEFF', account_number: 'Q7Z' }, 'Z'], // 3 → 1
      [{ instrument_type: 'swift', currency: 'USD', bic: 'DEUTDEFF', account_number: 'X' }, ''], // 1 → nothing
    ];
    for (const [body, shown] of cases) {
      const created = await add(body);
      expect(created.account_number_last4).toBe(shown);
      expect(created.account_number_last4).not.toBe(body.account_number);
      const got = await t.http().get(`/settlement-instruments/${created.id}`).set(admin());
      expect(got.body.account_number_last4).toBe(shown);
    }
  });

  it('keeps a one-character account stored: an update need not send it again', async () => {
    const created = await add({ instrument_type: 'swift', currency: 'GBP', bic: 'DEUTDEFF', account_number: '7' });
    const put = await t.http().put(`/settlement-instruments/${created.id}`).set(admin()).send({ account_holder_name: 'Renamed LP' });
    expect(put.status).toBe(200);
    expect(put.body.account_number_last4).toBe('');
  });

  it('binds each ciphertext to its organization, row and column', async () => {
    const a = await add({ instrument_type: 'ach', currency: 'USD', routing_number: ROUTING, account_number: '000123456789' });
    const b = await add({ instrument_type: 'swift', currency: 'EUR', bic: 'DEUTDEFF', iban: IBAN });
    const encA = (await stored(a.id)).account_number_enc as string;
    const encB = (await stored(b.id)).iban_enc as string;
    expect(cipher.decrypt(encA, { column: ACCOUNT_CONTEXT, org, row: a.id })).toBe('000123456789');
    expect(cipher.decrypt(encB, { column: IBAN_CONTEXT, org, row: b.id })).toBe(IBAN);
    expect(() => cipher.decrypt(encA, { column: ACCOUNT_CONTEXT, org, row: b.id })).toThrow();
    expect(() => cipher.decrypt(encA, { column: ACCOUNT_CONTEXT, org: newOrg(), row: a.id })).toThrow();
    expect(() => cipher.decrypt(encA, { column: IBAN_CONTEXT, org, row: a.id })).toThrow();
    expect(() => cipher.decrypt(encA, ACCOUNT_CONTEXT)).toThrow();

    // Re-sealed on update, bound to the same row.
    await t.http().put(`/settlement-instruments/${a.id}`).set(admin()).send({ account_number: '99887766554' });
    const resealed = (await stored(a.id)).account_number_enc as string;
    expect(cipher.decrypt(resealed, { column: ACCOUNT_CONTEXT, org, row: a.id })).toBe('99887766554');
  });

  it('migrates the tails of rows written before the rule, and still reads their v1 ciphertext', async () => {
    const legacy = await add({ instrument_type: 'wire', currency: 'CAD', routing_number: ROUTING, account_number: '7654321' });
    const longOne = await add({ instrument_type: 'ach', currency: 'CAD', routing_number: ROUTING, account_number: '000123456789' });
    // As the old code wrote it: whole 7-digit number as the tail, ciphertext bound to the column only.
    const v1 = cipher.encrypt('7654321', ACCOUNT_CONTEXT);
    await withOrgSql(org, (c) =>
      c.query(`UPDATE settlement_instruments SET account_number_enc = $2, account_number_last4 = '7654321' WHERE id = $1`, [legacy.id, v1]),
    );
    await withOrgSql(org, async (c) => {
      const runner = { query: (sql: string) => c.query(sql) } as unknown as QueryRunner;
      await new ShortAccountMasks1764600000013().up(runner);
    });
    const got = await t.http().get(`/settlement-instruments/${legacy.id}`).set(admin());
    expect(got.body.account_number_last4).toBe('321'); // 7 characters → 3
    expect((await t.http().get(`/settlement-instruments/${longOne.id}`).set(admin())).body.account_number_last4).toBe('6789');
    const enc = (await stored(legacy.id)).account_number_enc as string;
    expect(cipher.decrypt(enc, { column: ACCOUNT_CONTEXT, org, row: legacy.id })).toBe('7654321');
  });
});
