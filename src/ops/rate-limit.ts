import rateLimit from '@fastify/rate-limit';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import IORedis from 'ioredis';
import { callerId } from '../common/auth/actor';
import { AuthGuard } from '../common/auth/auth.guard';
import type { AppConfig } from '../config/env';
import { redisOptionsFromUrl } from '../jobs/redis';
import { CallerBudgetStore, limiterKey } from './rate-limit-store';

const EXEMPT = /^\/(health\/|metrics$)/;

/** Headers that carry credentials; a 401 to a request without any is not a guess. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'cdpapi-subscription-key'];

/** A 401 counts against the address when the request presented something to check. */
function presentedCredentials(req: FastifyRequest): boolean {
  if (CREDENTIAL_HEADERS.some((h) => req.headers[h] !== undefined)) return true;
  // OAuth client credentials travel in a form body.
  return /^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '');
}

/**
 * Budgets kept in Redis so replicas share them; while Redis is down requests go through.
 * - Per caller: the identity the auth guard derives (organization + subject, or API key id), so
 *   every spelling of the same credentials and every re-signed token share one budget. The
 *   guard memoizes its answer on the request: a token is verified once, not twice.
 * - Per client address, failed authentications (a 401 to a request that presented
 *   credentials): once an address is over its budget, every request from it is 429 until the
 *   window passes, right or wrong credentials alike, so a right guess cannot be told from a
 *   wrong one. Only a valid token still passes (nothing guessable is revealed by it).
 */
export async function registerRateLimit(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const redis = new IORedis({
    ...redisOptionsFromUrl(config.redisUrl),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    commandTimeout: 250,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(times * 250, 2000),
  });
  redis.on('error', () => undefined);
  // Counting starts with the first request: give the connection a moment at boot (a Redis that
  // is down does not hold the boot up for longer; the limiter then lets requests through).
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(done, 2000);
    redis.once('ready', done);
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onClose', async () => {
    redis.disconnect();
  });
  const windowMs = config.rateLimitWindowSeconds * 1000;
  const store = new CallerBudgetStore(redis, `${config.queuePrefix}-rl-`, config.rateLimitAuthFailuresMax, windowMs);
  const guard = app.get(AuthGuard);

  await app.register(rateLimit as never, {
    global: true,
    max: config.rateLimitMax,
    timeWindow: windowMs,
    store: function build() {
      return store;
    },
    skipOnError: true,
    keyGenerator: async (req: FastifyRequest) => {
      if (EXEMPT.test(req.url)) return 'exempt';
      // A failure here (database down for an API key look-up) is the guard's to report.
      const actor = await guard.identify(req).catch(() => null);
      const caller = actor ? `u:${actor.org}:${callerId(actor)}` : `ip:${req.ip}`;
      // A valid token cannot be guessed (it is an HMAC under JWT_SECRET), so letting one through
      // an address over its failure budget tells a guesser nothing, and spares its neighbours.
      return limiterKey(caller, actor?.type === 'jwt' ? null : req.ip);
    },
    allowList: (req: FastifyRequest) => EXEMPT.test(req.url),
    errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string; ttl: number }) => ({
      statusCode: 429,
      code: 'rate-limited',
      message: `Rate limit exceeded; retry in ${ctx.after}`,
    }),
  });

  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (reply.statusCode === 401 && presentedCredentials(req)) store.recordFailure(req.ip);
    done();
  });
}
