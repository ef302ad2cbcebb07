import type { FastifyInstance } from 'fastify';
import { badRequest } from '../errors/domain-error';

/** Deeper JSON has no use in this API; refusing it keeps recursive walkers (validation, NUL guard) safe. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN = new Set([123, 91]); // { [
const CLOSE = new Set([125, 93]); // } ]

/**
 * True when JSON text nests arrays/objects more than `max` deep. One pass over the characters
 * before parsing, so a hostile body is refused without building its structure; brackets inside
 * strings do not count. Malformed text may be miscounted, but the parser refuses it anyway.
 */
export function exceedsJsonDepth(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (OPEN.has(c)) {
      if (++depth > max) return true;
    } else if (CLOSE.has(c)) {
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
