import type { INestApplicationContext } from '@nestjs/common';
import { createServer, Server } from 'node:http';
import type { Logger } from 'pino';
import { registry } from './metrics';
import { ReadinessCheck } from './readiness';

/**
 * A worker-only process serves `/health/live`, `/health/ready` and `/metrics` on its own small
 * port, and nothing else: a plain server, so no API route can ever be reached through it.
 */
export async function startWorkerHttp(ctx: INestApplicationContext, port: number, host: string, logger: Logger): Promise<Server> {
  const readiness = ctx.get(ReadinessCheck, { strict: false });
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => res.writeHead(status, { 'Content-Type': type }).end(body);
    const path = (req.url ?? '').split('?')[0];
    const answer = async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'application/problem+json', JSON.stringify({ status: 405, title: 'Method not allowed' }));
      if (path === '/health/live') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
      if (path === '/health/ready') {
        const r = await readiness.check();
        return send(r.status, r.status === 200 ? 'application/json' : 'application/problem+json', JSON.stringify(r.body));
      }
      if (path === '/metrics') return send(200, registry.contentType, await registry.metrics());
      return send(404, 'application/problem+json', JSON.stringify({ status: 404, title: 'Not found', detail: 'A worker serves /health/live, /health/ready and /metrics only' }));
    };
    answer().catch((err: Error) => {
      logger.warn({ err: err.message, path }, 'worker http request failed');
      if (!res.headersSent) send(500, 'application/problem+json', JSON.stringify({ status: 500, title: 'Internal error' }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  return server;
}
