import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../errors/common.errors';
// The request's publicBase (where absolute links start) is declared with its decorator.
import type {} from '../http/public-base';

export const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d{1,9}$/.test(value) ? Number(value) : value;
export const toBool = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class PageQuery {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000)
  page: number = 1;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(500)
  page_size: number = 50;
}

/** Deep lists also take an opaque keyset cursor. */
export class CursorPageQuery extends PageQuery {
  @IsOptional() @IsString() @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  count: number | null;
  next: string | null;
  previous: string | null;
  results: T[];
}

export const offsetOf = (q: PageQuery) => (q.page - 1) * q.page_size;

/** Absolute URL of this request with some query parameters replaced, on the public base (see public-base.ts). */
export function linkTo(req: FastifyRequest, changes: Record<string, string | null>): string {
  const url = new URL(`${req.publicBase}${req.url}`);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  return url.toString();
}

export function pageOf<T>(req: FastifyRequest, q: PageQuery, count: number, results: T[]): Page<T> {
  const hasNext = q.page * q.page_size < count;
  const hasPrev = q.page > 1;
  return {
    count,
    next: hasNext ? linkTo(req, { page: String(q.page + 1), page_size: String(q.page_size) }) : null,
    previous: hasPrev ? linkTo(req, { page: String(q.page - 1), page_size: String(q.page_size) }) : null,
    results,
  };
}

/** A keyset page: `nextKey` is the sort key of the last row when more rows follow. */
export function cursorPageOf<T>(req: FastifyRequest, q: CursorPageQuery, results: T[], nextKey: unknown[] | null): Page<T> {
  return {
    count: null,
    next: nextKey ? linkTo(req, { cursor: encodeCursor(nextKey), page: null, page_size: String(q.page_size) }) : null,
    previous: null,
    results,
  };
}

export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Decodes a cursor and checks each part with `shape`; anything else is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, shape: ((v: unknown) => boolean)[]): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length || !shape.every((ok, i) => ok(parsed[i]))) {
    throw badRequest('cursor is not valid for this list', [{ field: 'cursor', message: 'not a cursor issued by this list' }]);
  }
  return parsed;
}
