import type { FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';
import { simple } from '../errors/problem';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * A known path asked with a method it does not take answers 405 with `Allow`, not 404. Routes
 * are collected as they are registered into a router of the same kind Fastify uses, so "known
 * path" means exactly what Fastify's router would match, parameters included.
 * Register before the application's routes.
 */
export function registerMethodNotAllowed(fastify: FastifyInstance): void {
  const known = FindMyWay({ ignoreTrailingSlash: false });
  const seen = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const key = `${method} ${route.url}`;
      if (!METHODS.includes(method as (typeof METHODS)[number]) || seen.has(key) || route.url.includes('*')) continue;
      seen.add(key);
      known.on(method as (typeof METHODS)[number], route.url, () => undefined);
    }
  });
  fastify.addHook('onRequest', (req, reply, done) => {
    // A matched route, or a path nobody serves, is none of this hook's business.
    if (req.routeOptions.url !== undefined) return done();
    const path = req.url.split('?')[0];
    const allow = METHODS.filter((m) => known.find(m, path) !== null);
    if (!allow.length) return done();
    const p = simple('method-not-allowed', `${req.method} is not allowed here; use ${allow.join(', ')}`, 'method');
    void reply.status(405).header('Allow', allow.join(', ')).type('application/problem+json').send(p.body);
  });
}
