import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A versioned resource answers with `ETag: "<version>"`. A Fastify hook on the final body
 * rather than a Nest interceptor: it sees replayed idempotent answers too, and costs no
 * observable chain on every read.
 */
export function etagHook(_req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void): void {
  if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    const v = (payload as { version?: unknown }).version;
    if (Number.isInteger(v)) void reply.header('ETag', `"${v as number}"`);
  }
  done(null, payload);
}
