import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthedRequest } from '../auth/decorators';

/**
 * The one log line of a request: the route pattern rather than the raw URL (a query string can
 * carry anything, and patterns group well), who asked, and how it ended. Never a header or body.
 */
export function logRequest(req: FastifyRequest, reply: FastifyReply, route: string): void {
  const actor = (req as AuthedRequest).actor;
  const status = reply.statusCode;
  const line = {
    method: req.method,
    route,
    status,
    duration_ms: Math.round(reply.elapsedTime * 10) / 10,
    org: actor?.org,
    actor: actor ? (actor.apiKeyId ? `api_key:${actor.apiKeyId}` : actor.subject) : undefined,
  };
  if (status >= 500) req.log.error(line, 'request');
  else req.log.info(line, 'request');
}
