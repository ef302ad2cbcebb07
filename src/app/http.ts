import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { createValidationPipe } from '../common/errors/validation';
import { simple } from '../common/errors/problem';
import { etagHook } from '../common/versioning/etag';
import { nulGuard } from '../common/http/nul-guard';
import { registerSecurityHeaders } from '../common/http/security-headers';
import { PinoNestLogger, requestContext } from '../common/logging/logger';
import type { AppConfig } from '../config/env';
import { httpDuration } from '../ops/metrics';
import { mountQueueDashboard } from '../ops/queue-dashboard';
import { registerRateLimit } from '../ops/rate-limit';
import { setupOpenApi } from '../ops/openapi';
import { AppModule } from './app.module';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,100}$/;

/** Routes that take a streamed text/csv body, and the one that takes a form (OAuth); every other takes JSON only. */
const CSV_ROUTES = [/^\/loans\/import(\?|$)/];
const FORM_ROUTES = [/^\/financial-partners\/connect\/token(\?|$)/];

export async function createHttpApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: false,
    return503OnClosing: true,
    // Honour a caller's X-Request-Id when it is sane; otherwise mint one.
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRole(config), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  // A CSV body is handed to the route as a stream; it is never buffered whole.
  fastify.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) => done(null, payload));
  // Nest's adapter already parses application/x-www-form-urlencoded (a repeated field becomes an
  // array); only the OAuth token route takes it, every other route answers a form with 415.

  fastify.addHook('onRequest', (req, reply, done) => {
    requestContext.enterWith({ requestId: String(req.id) });
    void reply.header('X-Request-Id', String(req.id));
    const type = req.headers['content-type'] ?? '';
    const csv = /^(text|application)\/csv/i.test(type) && !CSV_ROUTES.some((r) => r.test(req.url));
    const form = /^application\/x-www-form-urlencoded/i.test(type) && !FORM_ROUTES.some((r) => r.test(req.url));
    if (csv || form) {
      const p = simple(415, 'unsupported-media-type', 'This endpoint takes application/json', 'Content-Type');
      void reply.status(415).type('application/problem+json').send(p.body);
      return;
    }
    done();
  });
  fastify.addHook('preHandler', nulGuard);
  fastify.addHook('preSerialization', etagHook);
  fastify.addHook('onResponse', (req, reply, done) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  registerSecurityHeaders(fastify);
  app.enableCors({
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    exposedHeaders: ['ETag', 'X-Request-Id', 'Retry-After', 'Last-Modified'],
  });
  await registerRateLimit(app, config);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupOpenApi(app);
  await mountQueueDashboard(app, config);
  await app.init();
  return app;
}
