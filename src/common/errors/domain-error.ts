export interface FieldError {
  field: string;
  message: string;
  line?: number;
}

/**
 * Services and workers throw these; one filter turns them into problem+json.
 * `code` is stable and machine-readable; it becomes the problem `type`. Built only by a catalog
 * (`defineErrors`, `src/common/errors/define-errors.ts`), which owns each code's status and title.
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

/** A stored problem answered again (idempotent replay), exactly as first rendered. */
export class ReplayedProblem extends DomainError {
  constructor(status: number, readonly body: Record<string, unknown>) {
    super(status, 'replayed', String(body.title ?? ''), String(body.detail ?? ''));
  }
}
