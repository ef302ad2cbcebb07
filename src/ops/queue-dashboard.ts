import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { AppConfig } from '../config/env';
import { QUEUE_NAMES } from '../jobs/queues';

const BASE = '/admin/queues';
const digest = (s: string) => createHash('sha256').update(s).digest();

/** Bull Board for platform operators only (basic auth from configuration); off when unset. */
export async function mountQueueDashboard(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  if (!config.opsUser || !config.opsPassword) return;
  const expected = digest(`${config.opsUser}:${config.opsPassword}`);
  const board = new BoardAdapter();
  board.setBasePath(BASE);
  createBullBoard({
    queues: QUEUE_NAMES.map((n) => new BullMQAdapter(app.get<Queue>(getQueueToken(n)))),
    serverAdapter: board,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    if (!req.url.startsWith(BASE)) return done();
    const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const given = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    if (!timingSafeEqual(digest(given), expected)) {
      void reply.status(401).header('WWW-Authenticate', 'Basic realm="queues"').send();
      return;
    }
    done();
  });
  await app.register(board.registerPlugin() as never, { prefix: BASE });
}
