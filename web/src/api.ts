import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../test/support/api-types';

/**
 * The one way the page reaches the service: the client generated from openapi.json (the same
 * file the e2e suite type-checks against), on the page's own origin. The credential lives in
 * sessionStorage (gone with the tab) and travels only as a header, never in a URL.
 */
export type Schemas = components['schemas'];

const STORE = 'portfolio-dashboard.credential';

export const credential = (): string | null => sessionStorage.getItem(STORE);
export const forget = (): void => sessionStorage.removeItem(STORE);
export const remember = (secret: string): void => sessionStorage.setItem(STORE, secret);

/** A JWT is three dot-separated parts; anything else is an API key. */
export function authHeaders(secret: string): Record<string, string> {
  return secret.split('.').length === 3 ? { Authorization: `Bearer ${secret}` } : { 'X-API-Key': secret };
}

/** The role a token claims, read (not verified: the server does that) to hide what it would refuse; null for API keys. */
export function claimedRole(secret: string): string | null {
  const parts = secret.split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'))) as { role?: unknown };
    return typeof claims.role === 'string' ? claims.role : null;
  } catch {
    return null;
  }
}

/** A problem+json answer (or a network failure) as an Error the page can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let onSignedOut: (reason: string) => void = () => undefined;
/** What to do when the service stops accepting the credential (revoked key, expired token). */
export const whenSignedOut = (handler: (reason: string) => void): void => {
  onSignedOut = handler;
};

const auth: Middleware = {
  onRequest({ request }) {
    const secret = credential();
    if (secret) for (const [k, v] of Object.entries(authHeaders(secret))) request.headers.set(k, v);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && credential()) {
      forget();
      onSignedOut('Your key or token is no longer accepted (wrong, revoked or expired). Sign in again.');
    }
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The answer's body, or an ApiError carrying the problem's detail and the fields it names. */
export async function must<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const p = (error ?? {}) as { title?: string; detail?: string; errors?: { field: string; message: string }[] };
  const fields = p.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
  throw new ApiError(response.status, [p.detail ?? p.title ?? `HTTP ${response.status}`, fields].filter(Boolean).join(' — '));
}
