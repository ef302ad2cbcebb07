import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors/common.errors';

/** Deeper JSON has no use in this API; refusing it keeps recursive walkers (validation, NUL guard) safe. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;

/** Index of the quote that closes the string whose opening quote is at `open` (-1 if none). */
function stringEnd(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
  }
  return -1;
}

/**
 * True when JSON text nests arrays/objects more than `max` deep. One pass before parsing, so a
 * hostile body is refused without building its structure; strings are skipped with indexOf, so
 * brackets inside them do not count and long text costs little. Malformed text may be
 * miscounted, but the parser refuses it anyway.
 */
export function exceedsJsonDepth(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i === -1) return false;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * The only body parser besides CSV: Fastify's own JSON parser (which refuses `__proto__` and
 * `constructor.prototype`) behind the depth check. Plain text has no parser, so it is a 415.
 */
export function registerJsonParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (exceedsJsonDepth(text)) {
      const detail = `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`;
      done(badRequest(detail, [{ field: 'body', message: detail }]), undefined);
      return;
    }
    void parse(req, text, done);
  });
}

/**
 * `application/x-www-form-urlencoded`, for the one route that takes it (OAuth client credentials;
 * every other route answers a form with 415 before parsing). A repeated field becomes an array,
 * so a DTO sees it and refuses it rather than silently taking one of the values.
 */
export function registerFormParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, string | string[]> = Object.create(null);
    for (const [k, v] of new URLSearchParams(body as string)) {
      const seen = out[k];
      out[k] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
    }
    done(null, { ...out });
  });
}
