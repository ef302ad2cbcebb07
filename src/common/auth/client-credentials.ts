/**
 * The OAuth 2.0 client-credentials token request (RFC 6749 §4.4), as a pure function of the
 * body and the Authorization header. Client authentication is either HTTP Basic (§2.3.1:
 * form-urlencoded id and secret, base64-encoded) or client_id/client_secret in the body,
 * never both. Errors carry the OAuth error code and the HTTP status RFC 6749 §5.2 gives it.
 */

export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type';

export interface OAuthError {
  status: 400 | 401;
  error: OAuthErrorCode;
  description: string;
  /** The client tried HTTP Basic: a 401 then names the scheme in WWW-Authenticate. */
  basic: boolean;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

const fail = (status: 400 | 401, error: OAuthErrorCode, description: string, basic = false): { error: OAuthError } => ({
  error: { status, error, description, basic },
});

/** A parameter given once as text; repeated (an array) or of another type is invalid (§3.1). */
function param(body: Record<string, unknown>, name: string): string | undefined | null {
  const v = body[name];
  if (v === undefined || v === '') return undefined;
  return typeof v === 'string' ? v : null;
}

function basicCredentials(header: string): ClientCredentials | null {
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    return clientId && clientSecret ? { clientId, clientSecret } : null;
  } catch {
    return null;
  }
}

export function parseTokenRequest(body: unknown, authorization: string | undefined): { credentials: ClientCredentials } | { error: OAuthError } {
  const form = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const grant = param(form, 'grant_type');
  if (grant === undefined) return fail(400, 'invalid_request', 'grant_type is required');
  if (grant === null) return fail(400, 'invalid_request', 'grant_type must be given once');
  if (grant !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported');

  const id = param(form, 'client_id');
  const secret = param(form, 'client_secret');
  if (id === null || secret === null) return fail(400, 'invalid_request', 'client_id and client_secret must be given once');
  if (authorization !== undefined && authorization !== '') {
    if (secret !== undefined) return fail(400, 'invalid_request', 'Use one client authentication method: HTTP Basic or the body, not both', true);
    const basic = basicCredentials(authorization);
    if (!basic || (id !== undefined && id !== basic.clientId)) return fail(401, 'invalid_client', 'Client authentication failed', true);
    return { credentials: basic };
  }
  if (id === undefined || secret === undefined) return fail(401, 'invalid_client', 'Client authentication failed');
  return { credentials: { clientId: id, clientSecret: secret } };
}
