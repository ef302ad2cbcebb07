import { randomBytes } from 'node:crypto';
import { FieldCipher, keyId, last4 } from './field-cipher';

describe('FieldCipher (AES-256-GCM)', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('round-trips, with a fresh IV each time', () => {
    const c = new FieldCipher(k1);
    const a = c.encrypt('DE89370400440532013000', 'iban');
    const b = c.encrypt('DE89370400440532013000', 'iban');
    expect(a).not.toBe(b);
    expect(a).not.toContain('0532013000');
    expect(c.decrypt(a, 'iban')).toBe('DE89370400440532013000');
    expect(a.split('.')[1]).toBe(keyId(k1));
  });

  it('decrypts old ciphertext after rotation and writes with the new key', () => {
    const before = new FieldCipher(k1).encrypt('123456789', 'account_number');
    const rotated = new FieldCipher(k2, [k1]);
    expect(rotated.decrypt(before, 'account_number')).toBe('123456789');
    expect(rotated.needsRotation(before)).toBe(true);
    const after = rotated.encrypt('123456789', 'account_number');
    expect(after.split('.')[1]).toBe(keyId(k2));
    expect(rotated.needsRotation(after)).toBe(false);
    // Once the old key is dropped from configuration, its ciphertext cannot be read.
    expect(() => new FieldCipher(k2).decrypt(before, 'account_number')).toThrow(/no key/);
  });

  it('detects tampering with the ciphertext, the key id or the context', () => {
    const c = new FieldCipher(k1, [k2]);
    const token = c.encrypt('31926819', 'account_number');
    const [v, id, body] = token.split('.');
    const raw = Buffer.from(body, 'base64url');
    raw[raw.length - 1] ^= 0x01;
    expect(() => c.decrypt([v, id, raw.toString('base64url')].join('.'), 'account_number')).toThrow();
    expect(() => c.decrypt([v, keyId(k2), body].join('.'), 'account_number')).toThrow();
    expect(() => c.decrypt(token, 'iban')).toThrow();
    expect(() => c.decrypt('garbage', 'iban')).toThrow(/not a field ciphertext/);
    expect(() => c.decrypt(`v1.${id}.AAAA`, 'iban')).toThrow(/too short/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new FieldCipher(randomBytes(16))).toThrow(/32 bytes/);
  });

  it('keeps only the last four characters', () => {
    expect(last4('GB29NWBK60161331926819')).toBe('6819');
  });
});

describe('FieldCipher row binding (v2)', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const ORG_A = '3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f';
  const ORG_B = '7a1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f';
  const ROW_1 = 'a0000000-0000-4000-8000-000000000001';
  const ROW_2 = 'a0000000-0000-4000-8000-000000000002';
  const at = (column: string, org = ORG_A, row = ROW_1) => ({ column, org, row });

  it('decrypts only in the column, row and organization it was written for', () => {
    const c = new FieldCipher(k1);
    const token = c.encrypt('31926819', at('account_number'));
    expect(token.startsWith('v2.')).toBe(true);
    expect(c.decrypt(token, at('account_number'))).toBe('31926819');
    expect(c.decrypt(token, at('account_number', ORG_A.toUpperCase(), ROW_1.toUpperCase()))).toBe('31926819');
    expect(() => c.decrypt(token, at('account_number', ORG_A, ROW_2))).toThrow(); // copied to another row
    expect(() => c.decrypt(token, at('account_number', ORG_B))).toThrow(); // copied to another organization
    expect(() => c.decrypt(token, at('iban'))).toThrow(); // copied to another column
    expect(() => c.decrypt(token, 'account_number')).toThrow(/row binding/); // asked for as a v1 token
  });

  it('still reads v1 ciphertext (column-only AAD) through a binding, and across a key rotation', () => {
    const legacy = new FieldCipher(k1).encrypt('123456789', 'settlement_instrument.account_number');
    const rotated = new FieldCipher(k2, [k1]);
    expect(rotated.decrypt(legacy, at('settlement_instrument.account_number'))).toBe('123456789');
    expect(() => rotated.decrypt(legacy, at('settlement_instrument.iban'))).toThrow();
    const bound = new FieldCipher(k1).encrypt('123456789', at('settlement_instrument.account_number'));
    expect(rotated.decrypt(bound, at('settlement_instrument.account_number'))).toBe('123456789');
    expect(rotated.needsRotation(bound)).toBe(true);
  });

  it('shows at most half of a short value and four characters of a long one', () => {
    expect(last4('1234')).toBe('34'); // 4 → floor(4/2) = 2
    expect(last4('1234567')).toBe('567'); // 7 → 3
    expect(last4('12345678')).toBe('5678'); // 8 → 4
    expect(last4('AB1')).toBe('1'); // 3 → 1
    expect(last4('X')).toBe(''); // 1 → 0: nothing shows
    for (let n = 1; n <= 34; n++) {
      const v = 'A'.repeat(n);
      expect(last4(v).length).toBe(Math.min(4, Math.floor(n / 2)));
      expect(last4(v)).not.toBe(v);
    }
  });
});
