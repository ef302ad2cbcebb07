import rateLimit from '@fastify/rate-limit';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import IORedis from 'ioredis';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/env';
import { redisOptionsFromUrl } from '../jobs/redis';

/**
 * Per caller: the credential presented (hashed), else the client address. The OAuth token
 * endpoint is an authentication attempt, so it counts per address whatever credentials are tried.
 */
function callerKey(req: FastifyRequest): string {
  if (req.url.startsWith('/financial-partners/connect/token')) return 'ip:' + req.ip;
  const cred =
    req.headers.authorization ?? req.headers['x-api-key'] ?? req.headers['cdpapi-subscription-key'];
  if (typeof cred === 'string' && cred) return 'c:' + createHash('sha256').update(cred).digest('base64url').slice(0, 32);
  return 'ip:' + req.ip;
}

const EXEMPT = /^\/(health\/|metrics$)/;

/** Kept in Redis so replicas share the budget; while Redis is down requests go through. */
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
  app.getHttpAdapter().getInstance().addHook('onClose', async () => {
    redis.disconnect();
  });
  await app.register(rateLimit as never, {
    global: true,
    max: config.rateLimitMax,
    timeWindow: config.rateLimitWindowSeconds * 1000,
    redis,
    nameSpace: `${config.queuePrefix}-rl-`,
    skipOnError: true,
    keyGenerator: callerKey,
    allowList: (req: FastifyRequest) => EXEMPT.test(req.url),
    errorResponseBuilder: (_req: FastifyRequest, ctx: { after: string; ttl: number }) => ({
      statusCode: 429,
      code: 'rate-limited',
      message: `Rate limit exceeded; retry in ${ctx.after}`,
    }),
  });
}
