import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { simple } from '../common/errors/problem';

/**
 * The dashboard's built files (`npm run build` → dist/web, see scripts/build-web.ts). The same
 * path from src/app (tests, ts-node) and from dist/app (the built service).
 */
export const WEB_ROOT = resolve(__dirname, '../../dist/web');
export const WEB_PREFIX = '/app';

/** index.html names the hashed assets, so it is revalidated every time; an asset never changes under its name. */
function cacheHeaders(res: { setHeader: (k: string, v: string) => void }, path: string): void {
  res.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
}

/**
 * Serves the analysts' dashboard at /app (same origin as the API, no CDN). It is public like
 * any static page: everything it shows comes from API calls made with the visitor's own
 * credential, so it can show nothing the credential could not read anyway.
 */
export async function registerWebApp(fastify: FastifyInstance, root = WEB_ROOT): Promise<void> {
  if (!existsSync(resolve(root, 'index.html'))) {
    // A service built without its dashboard says so instead of a bare 404.
    fastify.get(`${WEB_PREFIX}/*`, (_req, reply) => {
      const p = simple('not-found', 'The dashboard is not built: run `npm run build`');
      return reply.status(404).type('application/problem+json').send(p.body);
    });
    return;
  }
  await fastify.register(fastifyStatic, {
    root,
    prefix: `${WEB_PREFIX}/`,
    // Routes for the files that exist at boot, nothing else: no wildcard to probe with.
    wildcard: false,
    index: false,
    redirect: false,
    dotfiles: 'deny',
    preCompressed: true,
    cacheControl: false,
    setHeaders: cacheHeaders,
    decorateReply: false,
  });
  // The page itself at /app and /app/ (its asset URLs are absolute, its routes live in the hash).
  const index = readFileSync(resolve(root, 'index.html'));
  for (const url of [WEB_PREFIX, `${WEB_PREFIX}/`]) {
    fastify.get(url, (_req, reply) => reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(index));
  }
}
