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
