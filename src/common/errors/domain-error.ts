export interface FieldError {
  field: string;
  message: string;
  line?: number;
}

/**
 * Services and workers throw these; one filter turns them into problem+json.
 * `code` is stable and machine-readable; it becomes the problem `type`.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, errors: FieldError[] = []) =>
  new DomainError(400, 'invalid-request', 'Invalid request', detail, errors);

export const notFound = (resource: string, id?: string) =>
  new DomainError(404, 'not-found', 'Not found', id ? `${resource} ${id} was not found` : `${resource} was not found`);

export const conflict = (code: string, detail: string, errors: FieldError[] = []) =>
  new DomainError(409, code, 'Conflict', detail, errors);

export const unprocessable = (code: string, detail: string, errors: FieldError[] = []) =>
  new DomainError(422, code, 'Unprocessable entity', detail, errors);

export const preconditionFailed = (detail: string) =>
  new DomainError(412, 'version-mismatch', 'Precondition failed', detail);

export const unauthorized = (detail = 'Missing or invalid credentials') =>
  new DomainError(401, 'unauthorized', 'Unauthorized', detail, [], { 'WWW-Authenticate': 'Bearer' });

export const forbidden = (detail = 'Your role does not allow this action') =>
  new DomainError(403, 'forbidden', 'Forbidden', detail);

export const serviceUnavailable = (detail: string) =>
  new DomainError(503, 'dependency-unavailable', 'Service unavailable', detail, [], { 'Retry-After': '5' });

export const tooManyRequests = (code: string, detail: string, retryAfterSeconds: number) =>
  new DomainError(429, code, 'Too many requests', detail, [], { 'Retry-After': String(retryAfterSeconds) });

/** A related resource named in the body (loan_ids, investor_id, ...) is missing in the caller's organization. */
export const missingReference = (field: string, ids: string[]) =>
  unprocessable('unknown-reference', `${field} names resources that do not exist: ${ids.slice(0, 20).join(', ')}`, [
    { field, message: `not found: ${ids.slice(0, 100).join(', ')}` },
  ]);

/** A stored problem answered again (idempotent replay), exactly as first rendered. */
export class ReplayedProblem extends DomainError {
  constructor(status: number, readonly body: Record<string, unknown>) {
    super(status, 'replayed', String(body.title ?? ''), String(body.detail ?? ''));
  }
}
