import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { createValidationPipe } from '../common/errors/validation';
import { simple } from '../common/errors/problem';
import { sendProblem } from '../common/errors/problem.filter';
import { etagHook } from '../common/versioning/etag';
import { registerMethodNotAllowed } from '../common/http/method-not-allowed';
import { registerFormParser, registerJsonParser } from '../common/http/json-body';
import { nulGuard } from '../common/http/nul-guard';
import { registerPublicBase, trustFunction } from '../common/http/public-base';
import { registerSecurityHeaders } from '../common/http/security-headers';
import { logRequest } from '../common/logging/request-log';
import { PinoNestLogger, requestContext } from '../common/logging/logger';
import type { AppConfig } from '../config/env';
import { httpDuration } from '../ops/metrics';
import { mountQueueDashboard } from '../ops/queue-dashboard';
import { registerRateLimit } from '../ops/rate-limit';
import { setupOpenApi } from '../ops/openapi';
import { AppModule } from './app.module';
import { registerWebApp } from './web-app';

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The routes (by matched pattern, never the raw URL) that take a streamed text/csv body, and the
 * one that takes a form (OAuth client credentials); every other route takes JSON only.
 */
const CSV_ROUTES = new Set(['/loans/import', '/loan-snapshots/import']);
const FORM_ROUTES = new Set(['/financial-partners/connect/token']);

export async function createHttpApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const trust = trustFunction(config.trustProxy);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request, written in onResponse below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Only a configured proxy may tell us the client's address, scheme and host (TRUST_PROXY).
    trustProxy: trust,
    return503OnClosing: true,
    // Job ids carry queue, name, organization and a UUID (up to ~150 characters); nothing longer is an id.
    routerOptions: { maxParamLength: 256 },
    // What the router refuses before any hook runs (bad percent-encoding, over-long parameters).
    frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => sendProblem(reply, err, req),
    // A client cannot hold a socket open by sending slowly or not at all (see also the import's
    // own idle timeout on its body, IMPORT_BODY_IDLE_TIMEOUT_MS).
    requestTimeout: config.httpRequestTimeoutMs,
    connectionTimeout: config.httpConnectionTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    // Honour a caller's X-Request-Id when it is sane; otherwise mint one.
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRole(config), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
    // Our own JSON and form parsers (depth-checked, one route for forms) replace Nest's.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  registerJsonParser(fastify);
  registerFormParser(fastify);
  registerPublicBase(fastify, config, trust);
  // A CSV body is handed to the route as a stream; it is never buffered whole.
  fastify.addContentTypeParser(['text/csv', 'application/csv'], (_req, payload, done) => done(null, payload));

  fastify.addHook('onRequest', (req, reply, done) => {
    requestContext.enterWith({ requestId: String(req.id) });
    void reply.header('X-Request-Id', String(req.id));
    const type = req.headers['content-type'] ?? '';
    const route = req.routeOptions.url ?? '';
    const csv = /^(text|application)\/csv/i.test(type) && !CSV_ROUTES.has(route);
    const form = /^application\/x-www-form-urlencoded/i.test(type) && !FORM_ROUTES.has(route);
    if (csv || form) {
      const p = simple('unsupported-media-type', 'This endpoint takes application/json', 'Content-Type');
      void reply.status(415).type('application/problem+json').send(p.body);
      return;
    }
    done();
  });
  registerMethodNotAllowed(fastify);
  fastify.addHook('preHandler', nulGuard);
  fastify.addHook('preSerialization', etagHook);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    logRequest(req, reply, route);
    done();
  });

  registerSecurityHeaders(fastify, { upgradeInsecureRequests: config.cspUpgradeInsecureRequests });
  app.enableCors({
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    exposedHeaders: ['ETag', 'X-Request-Id', 'Retry-After', 'Last-Modified', 'Idempotent-Replayed', 'Secret-Withheld'],
  });
  // A worker-only app has no API routes (and so no guard to ask who is calling).
  if (config.processRole !== 'worker') await registerRateLimit(app, config);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupOpenApi(app);
  await mountQueueDashboard(app, config);
  await registerWebApp(fastify);
  await app.init();
  return app;
}
