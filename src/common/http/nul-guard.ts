import type { FastifyReply, FastifyRequest } from 'fastify';
import { simple } from '../errors/problem';

/** Path of the first string holding a NUL character, which Postgres text cannot store. */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object' && typeof (value as { pipe?: unknown }).pipe !== 'function') {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNul(v, path ? `${path}.${k}` : k);
      if (hit) return hit;
    }
  }
  return null;
}

/** Refuses NUL bytes anywhere in the query or a JSON body with a 400 naming the field. */
export function nulGuard(req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const field = findNul(req.query) ?? findNul(req.body);
  if (!field) return done();
  const p = simple('invalid-character', 'Text values must not contain NUL characters', field);
  void reply.status(400).type('application/problem+json').send(p.body);
}
