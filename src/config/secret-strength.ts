/**
 * How production decides a secret is too weak to boot with. Deliberately simple and documented
 * (README, Configuration): these catch placeholders and typing accidents, not a clever attacker.
 */

export const JWT_SECRET_MIN_LENGTH = 32;
export const JWT_SECRET_MIN_DISTINCT = 10;
/** Shannon estimate over the secret's own characters; 32 random hex characters score about 115. */
export const JWT_SECRET_MIN_BITS = 96;
/** A random 32-byte key has about 30 distinct bytes; fewer than 16 means a pattern, not randomness. */
export const KEY_MIN_DISTINCT_BYTES = 16;
export const OPS_PASSWORD_MIN_LENGTH = 16;

/** length × Shannon entropy of the character frequencies, in bits: 'aaaa…' is 0, 'abab…' 1 per character. */
export function estimatedEntropyBits(s: string): number {
  const chars = [...s];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}

/** Why a JWT secret is too weak for production, or null when it will do. */
export function weakJwtSecret(secret: string): string | null {
  const length = [...secret].length;
  if (length < JWT_SECRET_MIN_LENGTH) return `is ${length} characters; production needs at least ${JWT_SECRET_MIN_LENGTH}`;
  const distinct = new Set(secret).size;
  if (distinct < JWT_SECRET_MIN_DISTINCT) return `uses only ${distinct} distinct characters; production needs at least ${JWT_SECRET_MIN_DISTINCT}`;
  const bits = Math.floor(estimatedEntropyBits(secret));
  if (bits < JWT_SECRET_MIN_BITS) return `has about ${bits} bits of entropy; production needs at least ${JWT_SECRET_MIN_BITS} (e.g. openssl rand -base64 48)`;
  return null;
}

/** Why an encryption key is too weak for production (all one byte, or a short repeated pattern), or null. */
export function weakEncryptionKey(key: Buffer): string | null {
  const distinct = new Set(key).size;
  if (distinct === 1) return `is one byte (0x${key[0].toString(16).padStart(2, '0')}) repeated`;
  if (distinct < KEY_MIN_DISTINCT_BYTES) return `has only ${distinct} distinct bytes; use 32 random bytes (openssl rand -base64 32)`;
  return null;
}

export function weakOpsPassword(password: string): string | null {
  const length = [...password].length;
  return length < OPS_PASSWORD_MIN_LENGTH ? `is ${length} characters; production needs at least ${OPS_PASSWORD_MIN_LENGTH}` : null;
}
