import { createHash, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isUuid } from '../ids/uuid';
import { isRole, Role } from './actor';


export interface TokenClaims {
  sub: string;
  org: string;
  role: Role;
  /** Set on a client-credentials token: the API key it was issued for, and dies with. */
  apiKeyId?: string;
}

/**
 * The secret as a KeyObject, made once. Given a string, jsonwebtoken first tries to read it as
 * a public key and throws; that failed parse cost a third of the server's CPU under load.
 */
let cachedKey: { secret: string; key: KeyObject } | undefined;
function secretKey(secret: string): KeyObject {
  if (cachedKey?.secret !== secret) cachedKey = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return cachedKey.key;
}

/** Longest token lifetime accepted unless configured (JWT_MAX_TTL_SECONDS). */
export const DEFAULT_MAX_TTL_SECONDS = 86_400;
/** How far in the future a token's `iat` may be: the issuer's clock may run a little ahead. */
export const IAT_SKEW_SECONDS = 60;

/**
 * HS256 only: `alg: none` and RS/HS confusion are refused by construction. A token must carry
 * `exp`; its lifetime (exp − iat, and exp − now) must not exceed `maxTtlSeconds`, so a stolen
 * long-lived token is useless, and an `iat` beyond the skew is a forged or broken clock.
 */
export function verifyToken(
  token: string,
  secret: string,
  opts: { maxTtlSeconds?: number; nowSeconds?: number } = {},
): TokenClaims | null {
  try {
    const payload = jwt.verify(token, secretKey(secret), { algorithms: ['HS256'], clockTolerance: 5 });
    if (typeof payload !== 'object' || payload === null) return null;
    const { sub, org, role, exp, iat, akid } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || !sub || sub.length > 200) return null;
    if (!isUuid(org) || !isRole(role) || typeof exp !== 'number') return null;
    if (!lifetimeOk(exp, iat, opts.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS, opts.nowSeconds ?? Date.now() / 1000)) return null;
    if (akid !== undefined && !isUuid(akid)) return null;
    const claims: TokenClaims = { sub, org: org.toLowerCase(), role };
    if (akid !== undefined) claims.apiKeyId = akid.toLowerCase();
    return claims;
  } catch {
    return null;
  }
}

function lifetimeOk(exp: number, iat: unknown, maxTtl: number, now: number): boolean {
  if (iat !== undefined && typeof iat !== 'number') return false;
  if (typeof iat === 'number' && (iat > now + IAT_SKEW_SECONDS || exp - iat > maxTtl)) return false;
  return exp - now <= maxTtl;
}

export function signToken(claims: TokenClaims, secret: string, expiresInSeconds = 3600): string {
  const akid = claims.apiKeyId === undefined ? {} : { akid: claims.apiKeyId };
  return jwt.sign({ sub: claims.sub, org: claims.org, role: claims.role, ...akid }, secret, {
    algorithm: 'HS256',
    expiresIn: expiresInSeconds,
  });
}

const KEY_PREFIX = 'psk_';

/** API keys carry 256 bits of randomness, so a plain SHA-256 is a sufficient one-way hash. */
export function newApiKey(): { key: string; hash: Buffer; prefix: string } {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 10) };
}

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();
