import jwt from 'jsonwebtoken';
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
