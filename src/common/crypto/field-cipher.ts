import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Where a ciphertext lives: it decrypts only there (bound as AES-GCM additional authenticated data). */
export interface FieldBinding {
  /** Table and column, e.g. `settlement_instrument.account_number`. */
  column: string;
  org: string;
  row: string;
}

/**
 * Field-level encryption at rest (AES-256-GCM) for account numbers and IBANs.
 *
 * Token: `<version>.<key id>.<base64url(iv ‖ tag ‖ ciphertext)>`. The key id is a short
 * fingerprint of the key (not the key), so after a rotation old rows still name the key that
 * sealed them and decrypt finds it among the previous keys; new writes always use the current key.
 * The additional authenticated data says where the value belongs:
 * - `v2` (every write given a FieldBinding): column, organization and row id, so a ciphertext
 *   copied into another column, row or organization fails authentication instead of decrypting;
 * - `v1` (rows written before v2, or a plain context string): the column only. Such rows still
 *   decrypt, given a binding whose column is the old context; re-sealing them makes them v2.
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

  encrypt(plaintext: string, where: FieldBinding | string): string {
    const version = typeof where === 'string' ? V1 : V2;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId) as Buffer, iv);
    cipher.setAAD(aad(version, where));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [version, this.currentId, Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')].join('.');
  }

  /** Throws on an unknown key, a malformed token, a token bound elsewhere, or any tampering. */
  decrypt(token: string, where: FieldBinding | string): string {
    const [version, id, body, extra] = token.split('.');
    if ((version !== V1 && version !== V2) || !id || !body || extra !== undefined) throw new Error('not a field ciphertext');
    if (version === V2 && typeof where === 'string') throw new Error('a v2 ciphertext decrypts only with its row binding');
    const key = this.keys.get(id);
    if (!key) throw new Error(`no key with id ${id} is configured`);
    const raw = Buffer.from(body, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new Error('ciphertext too short');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(aad(version, where));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  /** True when the token was sealed with an older key (a re-encryption job can pick these). */
  needsRotation(token: string): boolean {
    return token.split('.')[1] !== this.currentId;
  }
}

const V1 = 'v1';
const V2 = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** v1: the column alone. v2: version, column, organization and row, length-prefixed so no two bindings collide. */
function aad(version: string, where: FieldBinding | string): Buffer {
  if (typeof where === 'string') return Buffer.from(where, 'utf8');
  if (version === V1) return Buffer.from(where.column, 'utf8');
  const parts = [V2, where.column, where.org.toLowerCase(), where.row.toLowerCase()];
  return Buffer.from(parts.map((p) => `${Buffer.byteLength(p, 'utf8')}:${p}`).join(''), 'utf8');
}

/** A fingerprint that identifies a key without revealing it (domain-separated hash, 8 hex chars). */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('portfolio-field-key-id:').update(key).digest('hex').slice(0, 8);
}

/**
 * The only part of a secret number a response may carry: the last four characters, but never
 * more than half of the value, so a short account number is never shown whole
 * (4 → 2, 7 → 3, 8 and longer → 4, 1 → nothing).
 */
export const last4 = (v: string): string => v.slice(v.length - Math.min(4, Math.floor(v.length / 2)));
