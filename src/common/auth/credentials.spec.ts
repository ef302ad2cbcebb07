import jwt from 'jsonwebtoken';
import { createHmac } from 'node:crypto';
import { hashApiKey, newApiKey, signToken, verifyToken } from './credentials';

const SECRET = 'test-secret-test-secret-test-secret!';
const ORG = '3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f';

describe('verifyToken', () => {
  it('accepts a good HS256 token', () => {
    const t = signToken({ sub: 'u1', org: ORG, role: 'admin' }, SECRET);
    expect(verifyToken(t, SECRET)).toEqual({ sub: 'u1', org: ORG, role: 'admin' });
  });

  it('refuses a wrong signature, expiry, unknown role, alg none and a non-uuid org', () => {
    expect(verifyToken(signToken({ sub: 'u1', org: ORG, role: 'admin' }, 'other-secret-other-secret-12345'), SECRET)).toBeNull();
    expect(verifyToken(jwt.sign({ sub: 'u', org: ORG, role: 'admin', exp: 1000 }, SECRET), SECRET)).toBeNull();
    expect(verifyToken(jwt.sign({ sub: 'u', org: ORG, role: 'root' }, SECRET, { expiresIn: 60 }), SECRET)).toBeNull();
    expect(verifyToken(jwt.sign({ sub: 'u', org: 'acme', role: 'admin' }, SECRET, { expiresIn: 60 }), SECRET)).toBeNull();
    const none = jwt.sign({ sub: 'u', org: ORG, role: 'owner', exp: 9_999_999_999 }, '', { algorithm: 'none' });
    expect(verifyToken(none, SECRET)).toBeNull();
    const hs512 = jwt.sign({ sub: 'u', org: ORG, role: 'owner' }, SECRET, { algorithm: 'HS512', expiresIn: 60 });
    expect(verifyToken(hs512, SECRET)).toBeNull();
  });

  it('carries the API key of a client-credentials token, and refuses a malformed one', () => {
    const key = '0b7e6a52-4f0c-4d7e-9a51-2b9f1c3d4e5f';
    const t = signToken({ sub: `api_key:${key}`, org: ORG, role: 'viewer', apiKeyId: key }, SECRET, 60);
    expect(verifyToken(t, SECRET)).toEqual({ sub: `api_key:${key}`, org: ORG, role: 'viewer', apiKeyId: key });
    expect(verifyToken(jwt.sign({ sub: 'u', org: ORG, role: 'admin', akid: 'not-a-key' }, SECRET, { expiresIn: 60 }), SECRET)).toBeNull();
  });

  it('refuses a token without exp', () => {
    expect(verifyToken(jwt.sign({ sub: 'u', org: ORG, role: 'admin' }, SECRET), SECRET)).toBeNull();
  });
});

describe('API keys', () => {
  it('are random and hashed deterministically', () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(a.key).not.toBe(b.key);
    expect(a.key).toMatch(/^psk_[A-Za-z0-9_-]{43}$/);
    expect(hashApiKey(a.key).equals(a.hash)).toBe(true);
  });
});

describe('verifyToken lifetime', () => {
  const NOW = Math.floor(Date.now() / 1000);
  // Signed by hand: jsonwebtoken would add its own iat, and refuses to sign a non-numeric one.
  const sign = (claims: Record<string, unknown>) => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: 'u', org: ORG, role: 'admin', ...claims })}`;
    return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
  };
  const ok = (claims: Record<string, unknown>, maxTtlSeconds?: number) =>
    verifyToken(sign(claims), SECRET, { nowSeconds: NOW, maxTtlSeconds }) !== null;

  it('accepts a lifetime up to the maximum (default 24 h)', () => {
    expect(ok({ iat: NOW, exp: NOW + 86_400 })).toBe(true); // exactly 24 h
    expect(ok({ exp: NOW + 86_400 })).toBe(true); // no iat: exp − now = 86 400
    expect(ok({ iat: NOW - 3600, exp: NOW + 3600 })).toBe(true); // 2 h, half of it left
  });

  it('refuses a lifetime above the maximum, measured from iat or from now', () => {
    expect(ok({ iat: NOW, exp: NOW + 86_401 })).toBe(false); // 24 h + 1 s
    expect(ok({ exp: NOW + 86_401 })).toBe(false); // no iat, exp − now = 86 401
    expect(ok({ iat: NOW - 86_400, exp: NOW + 60 })).toBe(false); // issued for 24 h + 60 s
    expect(ok({ iat: NOW, exp: NOW + 7200 }, 3600)).toBe(false); // 2 h against a 1 h maximum
  });

  it('refuses an iat more than 60 s in the future, or one that is not a number', () => {
    expect(ok({ iat: NOW + 60, exp: NOW + 3600 })).toBe(true); // at the skew
    expect(ok({ iat: NOW + 61, exp: NOW + 3600 })).toBe(false); // 1 s beyond it
    expect(ok({ iat: 'yesterday', exp: NOW + 3600 })).toBe(false);
  });
});
