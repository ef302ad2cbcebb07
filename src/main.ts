import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app/app.module';
import { createHttpApp } from './app/http';
import { createLogger, PinoNestLogger } from './common/logging/logger';
import { loadDotEnv } from './config/dotenv';
import { ConfigError, loadConfig } from './config/env';
import { migrate } from './database/migrate';

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
      logger.info({ signal }, 'shutting down');
      setTimeout(() => {
        logger.error({ timeout_ms: config.shutdownTimeoutMs }, 'graceful shutdown timed out; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
  const applied = await migrate(config);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  if (config.processRole === 'worker') {
    const ctx = await NestFactory.createApplicationContext(AppModule.forRole(config), {
      logger: new PinoNestLogger(logger),
    });
    ctx.enableShutdownHooks();
    logger.info('workers started');
    return;
  }
  const app = await createHttpApp(config, logger);
  await app.listen({ port: config.port, host: config.host });
  logger.info({ port: config.port, role: config.processRole }, 'portfolio service listening');
}

bootstrap().catch((err: Error) => {
  process.stderr.write(`boot failed: ${err.message}\n`);
  process.exit(1);
});
