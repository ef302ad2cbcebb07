import { ConfigError, loadConfig } from './env';
import { estimatedEntropyBits, weakEncryptionKey, weakJwtSecret, weakOpsPassword } from './secret-strength';

const STRONG_SECRET = 'q8Zr3Lw0Vx9Pn2Ks7Bt5Hy1Mf6Gd4Jc0Ea8Ru3Qi'; // 40 characters, 38 distinct
const STRONG_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64'); // 32 distinct bytes

describe('secret strength rules', () => {
  it('estimates entropy from character frequencies', () => {
    expect(estimatedEntropyBits('aaaa')).toBe(0); // one symbol: 0 bits each
    expect(estimatedEntropyBits('abab')).toBe(4); // two equally likely symbols: 1 bit × 4
    expect(estimatedEntropyBits('abcd')).toBe(8); // four equally likely: 2 bits × 4
  });

  it('refuses short, repetitive or low-entropy JWT secrets', () => {
    expect(weakJwtSecret('a'.repeat(64))).toMatch(/1 distinct/);
    expect(weakJwtSecret('short-but-random-9f3')).toMatch(/at least 32/);
    expect(weakJwtSecret('passwordpasswordpasswordpassword')).toMatch(/distinct/); // 7 distinct letters
    // 12 distinct, but 'a' is 21 of 32 characters: about 66 bits, under 96.
    expect(weakJwtSecret('a'.repeat(21) + 'bcdefghijkl')).toMatch(/bits of entropy/);
    expect(weakJwtSecret(STRONG_SECRET)).toBeNull();
    expect(weakJwtSecret('0123456789abcdef0123456789abcdef')).toBeNull(); // 32 hex: 4 bits × 32 = 128
  });

  it('refuses all-zero, repeated-byte and patterned keys', () => {
    expect(weakEncryptionKey(Buffer.alloc(32))).toMatch(/0x00/);
    expect(weakEncryptionKey(Buffer.alloc(32, 7))).toMatch(/0x07/);
    expect(weakEncryptionKey(Buffer.from('abcd'.repeat(8)))).toMatch(/4 distinct/);
    expect(weakEncryptionKey(Buffer.from(STRONG_KEY, 'base64'))).toBeNull();
  });

  it('wants 16 characters of OPS_PASSWORD', () => {
    expect(weakOpsPassword('fifteen-chars!!')).toMatch(/15 characters/);
    expect(weakOpsPassword('sixteen-chars!!!')).toBeNull();
  });
});

describe('loadConfig in production', () => {
  const prod = (env: Record<string, string>) =>
    loadConfig({ NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET, DATA_ENCRYPTION_KEY: STRONG_KEY, ...env });

  it.each([
    [{ JWT_SECRET: 'a'.repeat(48) }, /^JWT_SECRET /],
    [{ JWT_SECRET: 'x'.repeat(31) }, /^JWT_SECRET /],
    [{ DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }, /^DATA_ENCRYPTION_KEY /],
    [{ DATA_ENCRYPTION_KEY: Buffer.alloc(32, 0xab).toString('base64') }, /^DATA_ENCRYPTION_KEY /],
    [{ OPS_USER: 'ops', OPS_PASSWORD: 'short-password' }, /^OPS_PASSWORD /],
  ])('refuses %j, naming the variable', (env, pattern) => {
    expect(() => prod(env)).toThrow(ConfigError);
    expect(() => prod(env)).toThrow(pattern);
  });

  it('boots with strong settings, and development still boots with the weak defaults', () => {
    expect(prod({ OPS_USER: 'ops', OPS_PASSWORD: 'a-long-ops-password' }).isProduction).toBe(true);
    expect(loadConfig({ JWT_SECRET: 'a'.repeat(48), OPS_USER: 'ops', OPS_PASSWORD: 'x' }).isProduction).toBe(false);
  });

  it('reads the token lifetime, links and retention settings', () => {
    const c = loadConfig({ JWT_MAX_TTL_SECONDS: '3600', PUBLIC_BASE_URL: 'https://api.example.com/v1/', TRUST_PROXY: '10.0.0.0/8, 127.0.0.1', TAPE_RETENTION_DAYS: '30' });
    expect(c).toMatchObject({ jwtMaxTtlSeconds: 3600, publicBaseUrl: 'https://api.example.com/v1', trustProxy: '10.0.0.0/8,127.0.0.1', tapeRetentionDays: 30 });
    expect(loadConfig({})).toMatchObject({ jwtMaxTtlSeconds: 86_400, publicBaseUrl: undefined, trustProxy: false, tapeRetentionDays: 0 });
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: 'evil.example' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://x.example/?a=1' })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => loadConfig({ JWT_MAX_TTL_SECONDS: '0' })).toThrow(/JWT_MAX_TTL_SECONDS/);
  });
});
