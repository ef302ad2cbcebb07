import { badRequest, preconditionFailed } from '../errors/common.errors';

/** Reads `If-Match` ("3", W/"3", 3 or *). Undefined means "no precondition". */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header[0] : header).trim();
  if (raw === '*' || raw === '') return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw);
  if (!m) throw badRequest('If-Match must be an ETag such as "3"', [{ field: 'If-Match', message: 'not an ETag' }]);
  return Number(m[1]);
}

export function assertVersion(current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) {
    throw preconditionFailed(`If-Match names version ${expected} but the resource is at version ${current}`);
  }
}
