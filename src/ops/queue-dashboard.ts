import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { CommonErrorCode } from '../common/errors/common.errors';
import { simple } from '../common/errors/problem';
import type { AppConfig } from '../config/env';
import { QUEUE_NAMES } from '../jobs/queues';

const BASE = '/admin/queues';
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The board's API routes an operator may call with OPS_DASHBOARD_WRITE=true: they act on jobs
 * that exist (retry, clean, promote) or on whole queues (pause, resume). Everything else that
 * is not a read (add, update-data, job scheduler edits and runs, delay, priority, concurrency,
 * rate limits, empty, obliterate, and any route a later Bull Board adds) is always refused, so
 * no job and no payload can ever be written through the dashboard.
 */
const WRITE_ROUTES = new Set(
  [
    'PUT /api/queues/pause',
    'PUT /api/queues/resume',
    'PUT /api/queues/:queueName/retry/:queueStatus',
    'PUT /api/queues/:queueName/clean/:queueStatus',
    'PUT /api/queues/:queueName/promote',
    'PUT /api/queues/:queueName/pause',
    'PUT /api/queues/:queueName/resume',
    'PUT /api/queues/:queueName/:jobId/retry',
    'PUT /api/queues/:queueName/:jobId/clean',
    'PUT /api/queues/:queueName/:jobId/promote',
  ].map((r) => r.replace(' /', ` ${BASE}/`)),
);

function send(reply: FastifyReply, code: CommonErrorCode, detail: string) {
  const p = simple(code, detail);
  return reply.status(p.status).type('application/problem+json').send(p.body);
}

/**
 * Bull Board for platform operators only (basic auth from configuration); off when unset.
 *
 * Both checks are hooks of the encapsulated plugin that owns the board's routes, so they run
 * for whatever request the router matched to one of those routes, however its path was
 * spelled (percent-encoding, slashes, case, a router option changed later). The write check
 * reads the matched route pattern, never the raw URL.
 */
export async function mountQueueDashboard(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  if (!config.opsUser || !config.opsPassword) return;
  const expected = digest(`${config.opsUser}:${config.opsPassword}`);
  const canWrite = config.opsDashboardWrite;
  const board = new BoardAdapter();
  board.setBasePath(BASE);
  createBullBoard({
    queues: QUEUE_NAMES.map(
      (n) => new BullMQAdapter(app.get<Queue>(getQueueToken(n)), { readOnlyMode: !canWrite, allowRetries: canWrite }),
    ),
    serverAdapter: board,
  });

  const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
    // The scheme is case-insensitive (RFC 9110); the credentials are compared whole, in constant time.
    const m = /^basic +([A-Za-z0-9+/=]+) *$/i.exec(req.headers.authorization ?? '');
    const bytes = m ? Buffer.from(m[1], 'base64') : Buffer.alloc(0);
    // Node decodes leniently (it stops at padding and skips stray characters): only the canonical encoding counts.
    const given = m && bytes.toString('base64') === m[1] ? bytes.toString('utf8') : '';
    if (!timingSafeEqual(digest(given), expected)) {
      void reply.header('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"');
      return send(reply, 'unauthorized', 'Queue dashboard credentials required');
    }
  };
  const guardWrites = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method === 'GET' || req.method === 'HEAD') return;
    if (canWrite && WRITE_ROUTES.has(`${req.method} ${req.routeOptions.url}`)) return;
    return send(
      reply,
      'dashboard-read-only',
      canWrite ? 'The dashboard never adds or edits jobs or schedules' : 'The dashboard is read-only (OPS_DASHBOARD_WRITE)',
    );
  };

  await app.register(
    (async (scope: FastifyInstance) => {
      scope.addHook('onRequest', authenticate);
      scope.addHook('onRequest', guardWrites);
      await scope.register(board.registerPlugin() as never);
    }) as never,
    { prefix: BASE },
  );
}
