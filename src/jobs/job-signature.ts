import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** The payload field that carries the producer's signature. */
export const SIGNATURE_FIELD = 'sig';

/**
 * The job-signing key, derived from the JWT secret so there is no second secret to manage,
 * and separate from it so a job signature can never pass for a token signature or back.
 */
export function jobSigningKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'portfolio-service', 'job-payload-signature-v1', 32));
}

/** JSON with keys sorted at every level, so the same payload always signs the same however it was built. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** HMAC-SHA256 over queue, job name and every payload field but the signature itself. */
export function signPayload(key: Buffer, queue: string, name: string, data: Record<string, unknown>): string {
  const { [SIGNATURE_FIELD]: _ignored, ...rest } = data;
  return createHmac('sha256', key).update(canonicalJson([queue, name, rest])).digest('base64url');
}

/** Constant-time check of the payload's own signature. */
export function hasValidSignature(key: Buffer, queue: string, name: string, data: Record<string, unknown>): boolean {
  const given = data[SIGNATURE_FIELD];
  if (typeof given !== 'string') return false;
  const want = Buffer.from(signPayload(key, queue, name, data));
  const got = Buffer.from(given);
  return got.length === want.length && timingSafeEqual(got, want);
}
