import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Field-level encryption at rest (AES-256-GCM) for account numbers and IBANs.
 *
 * Token: `v1.<key id>.<base64url(iv ‖ tag ‖ ciphertext)>`. The key id is a short fingerprint of
 * the key (not the key), so after a rotation old rows still name the key that sealed them and
 * decrypt finds it among the previous keys; new writes always use the current key. The
 * context string is bound as additional authenticated data, so a ciphertext copied into
 * another column or row kind fails authentication instead of decrypting.
 */
export class FieldCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;

  constructor(current: Buffer, previous: Buffer[] = []) {
    for (const k of [current, ...previous]) {
      if (k.length !== 32) throw new Error('AES-256-GCM keys must be 32 bytes');
    }
    this.currentId = keyId(current);
    for (const k of [current, ...previous]) if (!this.keys.has(keyId(k))) this.keys.set(keyId(k), k);
  }

  static fromConfig(config: { dataEncryptionKey: Buffer; previousDataEncryptionKeys: Buffer[] }): FieldCipher {
    return new FieldCipher(config.dataEncryptionKey, config.previousDataEncryptionKeys);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId) as Buffer, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.currentId, Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')].join('.');
  }

  /** Throws on an unknown key, a malformed token, or any tampering. */
  decrypt(token: string, context: string): string {
    const [version, id, body, extra] = token.split('.');
    if (version !== VERSION || !id || !body || extra !== undefined) throw new Error('not a field ciphertext');
    const key = this.keys.get(id);
    if (!key) throw new Error(`no key with id ${id} is configured`);
    const raw = Buffer.from(body, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** True when the token was sealed with an older key (a re-encryption job can pick these). */
  needsRotation(token: string): boolean {
    return token.split('.')[1] !== this.currentId;
  }
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fingerprint that identifies a key without revealing it (domain-separated hash, 8 hex chars). */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('portfolio-field-key-id:').update(key).digest('hex').slice(0, 8);
}

/** The last four characters, the only part of a secret number a response may carry. */
export const last4 = (v: string): string => v.slice(-4);
