import { withholdSecrets } from './withheld';

describe('withholdSecrets', () => {
  it('nulls a declared secret field and names it in a header, keeping the other fields', () => {
    const body = { id: 'k1', name: 'ci', role: 'viewer', key: 'psk_secret', created_at: '2026-01-01T00:00:00.000Z' };
    const stored = withholdSecrets(body, ['key']);
    expect(stored.body).toEqual({ id: 'k1', name: 'ci', role: 'viewer', key: null, created_at: '2026-01-01T00:00:00.000Z' });
    expect(stored.headers).toEqual({ 'secret-withheld': 'key; shown only in the first response' });
    expect(body.key).toBe('psk_secret'); // the caller's own answer is untouched
  });

  it('withholds well-known credential names on any route', () => {
    expect(withholdSecrets({ access_token: 't', token_type: 'Bearer' }).body).toEqual({ access_token: null, token_type: 'Bearer' });
  });

  it('leaves bodies without secrets, arrays, problems and absent fields alone', () => {
    expect(withholdSecrets({ id: 'x' }, ['key'])).toEqual({ body: { id: 'x' }, headers: {} });
    expect(withholdSecrets({ key: null }, ['key'])).toEqual({ body: { key: null }, headers: {} });
    expect(withholdSecrets([{ key: 'a' }], ['key'])).toEqual({ body: [{ key: 'a' }], headers: {} });
    expect(withholdSecrets(null, ['key'])).toEqual({ body: null, headers: {} });
  });
});
