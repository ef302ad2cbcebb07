import { HttpException } from '@nestjs/common';
import { COMMON_ERRORS, CommonErrorCode } from './common.errors';
import { DomainError, FieldError, ReplayedProblem } from './domain-error';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldError[];
}

export interface RenderedProblem {
  status: number;
  body: Problem;
  headers: Record<string, string>;
}

/** Titles of the framework's `http-<status>` fallback; every other title comes from a catalog. */
const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable entity',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Data exceptions: invalid text, encoding, numeric/datetime out of range, string too long. */
const PG_INPUT_ERRORS = new Set(['22P02', '22021', '22003', '22007', '22008', '22001', '22P05', '2201B']);
/**
 * Connection failures and admin shutdown: the database is down, not the request wrong. While
 * the server is down the driver fails at the socket (no SQLSTATE): refused, reset, or pg's
 * "Connection terminated" for a query cut off mid-way.
 */
const PG_UNAVAILABLE = /^(08...|57P0[123]|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/;
const CONNECTION_LOST = /^Connection terminated/;
/** pg-pool's answer when no connection came free within DATABASE_ACQUIRE_TIMEOUT_MS. */
const POOL_EXHAUSTED = /^timeout exceeded when trying to connect/;
/** query_canceled: statement_timeout (or an operator's pg_cancel_backend) stopped the query. */
const PG_CANCELED = '57014';
/** No problem lists more errors than this, however many the input had. */
export const MAX_PROBLEM_ERRORS = 100;

export const typeUri = (code: string) => `https://portfolio-service.dev/problems/${code}`;

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  validation?: unknown;
}

/** Maps anything thrown to an RFC 9457 problem. Unknown errors become an opaque 500. */
export function toProblem(err: unknown): RenderedProblem {
  if (err instanceof ReplayedProblem) {
    return { status: err.status, headers: {}, body: err.body as unknown as Problem };
  }
  if (err instanceof DomainError) {
    return {
      status: err.status,
      headers: err.headers,
      body: { type: typeUri(err.code), title: err.title, status: err.status, detail: err.detail, errors: err.errors.slice(0, MAX_PROBLEM_ERRORS) },
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const message =
      typeof res === 'string' ? res : Array.isArray((res as { message?: unknown }).message)
        ? ((res as { message: string[] }).message).join('; ')
        : String((res as { message?: unknown }).message ?? err.message);
    if (status === 400 && /JSON/.test(message)) return simple('malformed-json', 'The body is not valid JSON', 'body');
    if (status === 413) return simple('body-too-large', 'The request body is larger than this endpoint accepts', 'body');
    if (status === 415) return simple('unsupported-media-type', 'Content-Type is not accepted by this endpoint', 'Content-Type');
    return status === 404 ? simple('not-found', message) : generic(status, message);
  }
  const pgCode = (err as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (err as { code?: string })?.code;
  if (typeof pgCode === 'string' && PG_INPUT_ERRORS.has(pgCode)) {
    // Safety net: Postgres refused a value as data (bad encoding, out of range); that is the caller's input.
    return simple('invalid-value', 'A value in the request cannot be stored or compared as given');
  }
  const driverMessage = (err as { driverError?: { message?: string }; message?: string })?.driverError?.message ?? (err as Error)?.message;
  if (pgCode === PG_CANCELED) {
    const p = simple('query-timeout', 'The request took longer than the service allows; narrow it or try again later');
    return { ...p, headers: { 'Retry-After': '5' } };
  }
  if (POOL_EXHAUSTED.test(String(driverMessage ?? ''))) {
    return { ...simple('database-busy', 'Every database connection is busy; try again shortly'), headers: { 'Retry-After': '1' } };
  }
  if ((typeof pgCode === 'string' && PG_UNAVAILABLE.test(pgCode)) || CONNECTION_LOST.test(String(driverMessage ?? ''))) {
    return { ...simple('dependency-unavailable', 'The database is unavailable; try again shortly'), headers: { 'Retry-After': '5' } };
  }
  const fe = err as FastifyLikeError;
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return fromFastify(fe);
  }
  return simple('internal-error', 'An unexpected error occurred. It has been logged.');
}

function fromFastify(fe: FastifyLikeError): RenderedProblem {
  const status = fe.statusCode as number;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return simple('body-too-large', 'The request body is larger than this endpoint accepts', 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return simple('unsupported-media-type', 'Content-Type is not accepted by this endpoint', 'Content-Type');
    case 'FST_ERR_BAD_URL':
      return simple('bad-url', 'The path is not validly percent-encoded', 'path');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Fastify says 414; a parameter no id could be that long is simply invalid input here.
      return simple('path-parameter-too-long', 'A path parameter is longer than any valid value', 'path');
    case 'rate-limited':
      // The limiter's own answer (src/ops/rate-limit.ts): its type, not a generic http-429.
      return simple('rate-limited', fe.message ?? 'Rate limit exceeded');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return simple('malformed-json', 'The body is empty but Content-Type says JSON', 'body');
    default:
      if (status === 400 && /JSON/i.test(fe.message ?? '')) {
        return simple('malformed-json', 'The body is not valid JSON', 'body');
      }
      return generic(status, fe.message ?? TITLES[status] ?? 'Error');
  }
}

/** A problem rendered outside a DomainError (hooks, the framework's own errors), from the common catalog. */
export function simple(code: CommonErrorCode, detail: string, field?: string): RenderedProblem {
  const { status, title } = COMMON_ERRORS.specs[code];
  return { status, headers: {}, body: { type: typeUri(code), title, status, detail, errors: field ? [{ field, message: detail }] : [] } };
}

/** A status the framework raised that nothing here names: `http-<status>`. */
function generic(status: number, detail: string): RenderedProblem {
  return { status, headers: {}, body: { type: typeUri(`http-${status}`), title: TITLES[status] ?? 'Error', status, detail, errors: [] } };
}
