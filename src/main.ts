import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Server } from 'node:http';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { AppModule } from './app/app.module';
import { createHttpApp } from './app/http';
import { createLogger, PinoNestLogger } from './common/logging/logger';
import { loadDotEnv } from './config/dotenv';
import { AppConfig, ConfigError, loadConfig } from './config/env';
import { migrate } from './database/migrate';
import { PRODUCER_REDIS } from './jobs/redis.module';
import { startWorkerHttp } from './ops/worker-http';

/** With Redis unreachable no job can finish or hand itself back: there is nothing to wait for. */
const SHUTDOWN_WITHOUT_REDIS_MS = 3000;

let app: INestApplicationContext | undefined;
let workerHttp: Server | undefined;

/** Workers: an application context, plus health and metrics on their own small port. */
async function startWorkers(config: AppConfig, logger: Logger): Promise<INestApplicationContext> {
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole(config), { logger: new PinoNestLogger(logger) });
  ctx.enableShutdownHooks();
  workerHttp = await startWorkerHttp(ctx, config.durable.workerHttpPort, config.host, logger);
  return ctx;
}

async function bootstrap(): Promise<void> {
  let config;
  loadDotEnv();
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`configuration error: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  // Nest closes gracefully on SIGTERM/SIGINT (stop accepting, let running jobs finish, close
  // pools); this timer makes sure a stuck close cannot keep the process alive forever.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Still booting: nothing accepted yet, nothing to drain.
      if (!app) process.exit(0);
      const redisUp = app.get<IORedis>(PRODUCER_REDIS, { strict: false }).status === 'ready';
      const timeoutMs = redisUp ? config.shutdownTimeoutMs : Math.min(config.shutdownTimeoutMs, SHUTDOWN_WITHOUT_REDIS_MS);
      logger.info({ signal, redis: redisUp ? 'up' : 'down' }, 'shutting down');
      workerHttp?.close();
      setTimeout(() => {
        logger[redisUp ? 'error' : 'warn']({ timeout_ms: timeoutMs }, 'graceful shutdown timed out; exiting');
        process.exit(redisUp ? 1 : 0);
      }, timeoutMs).unref();
    });
  }
  const applied = await migrate(config);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  if (config.processRole === 'worker') {
    app = await startWorkers(config, logger);
    logger.info({ port: config.durable.workerHttpPort }, 'workers started');
  } else {
    const api = await createHttpApp(config, logger);
    await api.listen({ port: config.port, host: config.host });
    app = api;
    logger.info({ port: config.port, role: config.processRole }, 'portfolio service listening');
  }
}

bootstrap().catch((err: Error) => {
  process.stderr.write(`boot failed: ${err.message}\n`);
  process.exit(1);
});
