import { defineErrors, CodeOf } from './define-errors';
import type { FieldError } from './domain-error';

/**
 * The cross-cutting codes: input, credentials, lookups, versions, idempotency, bodies, time
 * limits and dependencies. Modules keep their own in `<module>.errors.ts`; a code lives in
 * exactly one catalog (`src/ops/problem-types.spec.ts`).
 */
export const COMMON_ERRORS = defineErrors('common', {
  'invalid-request': { status: 400, title: 'Invalid request' },
  'malformed-json': { status: 400, title: 'Invalid request' },
  'invalid-character': { status: 400, title: 'Invalid request' },
  'invalid-value': { status: 400, title: 'Invalid request' },
  'bad-url': { status: 400, title: 'Invalid request' },
  'path-parameter-too-long': { status: 400, title: 'Invalid request' },
  'body-incomplete': { status: 400, title: 'Invalid request' },
  // The framework's own answer (`http-<status>`) to a 400 nothing here names (Nest's built-in pipes).
  'http-400': { status: 400, title: 'Invalid request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'dashboard-read-only': { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'body-timeout': { status: 408, title: 'Request timeout' },
  'idempotency-in-progress': { status: 409, title: 'Conflict' },
  'version-mismatch': { status: 412, title: 'Precondition failed' },
  'body-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'unknown-reference': { status: 422, title: 'Unprocessable entity' },
  'idempotency-key-reused': { status: 422, title: 'Unprocessable entity' },
  // The rate limiter's answer goes through the framework fallback, so its type is the generic one.
  'rate-limited': { status: 429, title: 'Too many requests' },
  'internal-error': { status: 500, title: 'Internal server error' },
  'dependency-unavailable': { status: 503, title: 'Service unavailable' },
  'query-timeout': { status: 503, title: 'Service unavailable' },
  'database-busy': { status: 503, title: 'Service unavailable' },
});

export type CommonErrorCode = CodeOf<typeof COMMON_ERRORS>;

const { error } = COMMON_ERRORS;

export const badRequest = (detail: string, errors: FieldError[] = []) => error('invalid-request', detail, errors);

export const notFound = (resource: string, id?: string) =>
  error('not-found', id ? `${resource} ${id} was not found` : `${resource} was not found`);

/** A related resource named in the body (loan_ids, investor_id, ...) is missing in the caller's organization. */
export const missingReference = (field: string, ids: string[]) =>
  error('unknown-reference', `${field} names resources that do not exist: ${ids.slice(0, 20).join(', ')}`, [
    { field, message: `not found: ${ids.slice(0, 100).join(', ')}` },
  ]);

export const preconditionFailed = (detail: string) => error('version-mismatch', detail);

export const unauthorized = (detail = 'Missing or invalid credentials') =>
  error('unauthorized', detail, [], { 'WWW-Authenticate': 'Bearer' });

export const forbidden = (detail = 'Your role does not allow this action') => error('forbidden', detail);

export const serviceUnavailable = (detail: string) => error('dependency-unavailable', detail, [], { 'Retry-After': '5' });

export const queueUnavailable = () => serviceUnavailable('The job queue (Redis) is unavailable; try again shortly');

export const idempotencyKeyReused = () =>
  error('idempotency-key-reused', 'This Idempotency-Key was used with a different route or body', [
    { field: 'Idempotency-Key', message: 'already used for another request' },
  ]);

export const idempotencyInProgress = () =>
  error('idempotency-in-progress', 'A request with this Idempotency-Key is still being processed', [
    { field: 'Idempotency-Key', message: 'in progress' },
  ]);

export const unsupportedMediaType = (detail: string, errors: FieldError[] = []) => error('unsupported-media-type', detail, errors);

/** Streamed bodies (the CSV imports): too big, stalled, or cut off; `headers` may close the connection. */
export const bodyTooLarge = (detail: string, errors: FieldError[], headers: Record<string, string> = {}) =>
  error('body-too-large', detail, errors, headers);
export const bodyTimeout = (detail: string, errors: FieldError[], headers: Record<string, string> = {}) =>
  error('body-timeout', detail, errors, headers);
export const bodyIncomplete = (detail: string, errors: FieldError[], headers: Record<string, string> = {}) =>
  error('body-incomplete', detail, errors, headers);
