import { parseTokenRequest } from './client-credentials';

const ID = '3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f';
const SECRET = 'psk_abc-DEF_123';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('parseTokenRequest', () => {
  it('reads client_id and client_secret from the body', () => {
    expect(parseTokenRequest({ grant_type: 'client_credentials', client_id: ID, client_secret: SECRET }, undefined)).toEqual({
      credentials: { clientId: ID, clientSecret: SECRET },
    });
  });

  it('reads HTTP Basic client authentication, form-urlencoded inside (RFC 6749 §2.3.1)', () => {
    expect(parseTokenRequest({ grant_type: 'client_credentials' }, basic(ID, SECRET))).toEqual({ credentials: { clientId: ID, clientSecret: SECRET } });
    expect(parseTokenRequest({ grant_type: 'client_credentials' }, basic(ID, 'a%3Ab+c'))).toEqual({ credentials: { clientId: ID, clientSecret: 'a:b c' } });
    // client_id may repeat the Basic one, but must not differ.
    expect(parseTokenRequest({ grant_type: 'client_credentials', client_id: ID }, basic(ID, SECRET))).toHaveProperty('credentials');
    expect(parseTokenRequest({ grant_type: 'client_credentials', client_id: 'other' }, basic(ID, SECRET))).toEqual({
      error: expect.objectContaining({ status: 401, error: 'invalid_client', basic: true }),
    });
  });

  it.each([
    [{}, undefined, 400, 'invalid_request'],
    [{ grant_type: ['client_credentials', 'client_credentials'] }, undefined, 400, 'invalid_request'],
    [{ grant_type: 'password', client_id: ID, client_secret: SECRET }, undefined, 400, 'unsupported_grant_type'],
    [{ grant_type: 'authorization_code' }, undefined, 400, 'unsupported_grant_type'],
    [{ grant_type: 'client_credentials' }, undefined, 401, 'invalid_client'],
    [{ grant_type: 'client_credentials', client_id: ID }, undefined, 401, 'invalid_client'],
    [{ grant_type: 'client_credentials', client_id: ID, client_secret: [SECRET, SECRET] }, undefined, 400, 'invalid_request'],
    [{ grant_type: 'client_credentials', client_secret: SECRET }, basic(ID, SECRET), 400, 'invalid_request'],
    [{ grant_type: 'client_credentials' }, 'Basic !!!', 401, 'invalid_client'],
    [{ grant_type: 'client_credentials' }, `Basic ${Buffer.from('no-colon').toString('base64')}`, 401, 'invalid_client'],
    [{ grant_type: 'client_credentials' }, `Basic ${Buffer.from(`${ID}:%zz`).toString('base64')}`, 401, 'invalid_client'],
    [{ grant_type: 'client_credentials' }, 'Bearer abc', 401, 'invalid_client'],
    ['grant_type=client_credentials', undefined, 400, 'invalid_request'],
  ])('%j with %s → %i %s', (body, auth, status, error) => {
    expect(parseTokenRequest(body, auth)).toEqual({ error: expect.objectContaining({ status, error }) });
  });
});
