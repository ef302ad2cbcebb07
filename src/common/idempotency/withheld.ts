import { SetMetadata } from '@nestjs/common';

export const WITHHELD_KEY = 'idempotency:withheld';

/** Response fields that are secrets: never stored, so a replay answers them as null. */
export const WithheldOnReplay = (...fields: string[]) => SetMetadata(WITHHELD_KEY, fields);

/** Withheld on every route, declared or not: the usual names of credentials in a response. */
const ALWAYS = ['secret', 'client_secret', 'password', 'access_token', 'refresh_token'];

/** Tells a replay which fields it lacks, and why. */
export const WITHHELD_HEADER = 'secret-withheld';

export interface Storable {
  body: unknown;
  headers: Record<string, string>;
}

/**
 * What may be stored for a replay: the body with each secret field present set to null, and
 * a header naming them (the body keeps its documented shape; the secret was shown once).
 */
export function withholdSecrets(body: unknown, declared: readonly string[] = []): Storable {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { body, headers: {} };
  const fields = [...declared, ...ALWAYS].filter((f) => Object.hasOwn(body, f) && (body as Record<string, unknown>)[f] != null);
  if (!fields.length) return { body, headers: {} };
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const f of fields) copy[f] = null;
  return { body: copy, headers: { [WITHHELD_HEADER]: `${fields.join(', ')}; shown only in the first response` } };
}
