import { Logger } from '@nestjs/common';

const logger = new Logger('Redis');
/** At most one line per this interval while Redis is away (the longest reconnect back-off). */
const LOG_EVERY_MS = 5000;
const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EPIPE|Connection is closed|connect ETIMEDOUT|Stream isn't writeable/;

let downSince: number | undefined;
let lastLogged = 0;
let suppressed = 0;

/**
 * Every Redis client of the process (producer, queues, workers) reports its errors here. While
 * Redis is away that is one structured line per interval, not one stack trace per client per
 * retry; errors that are not about the connection are logged as they come.
 */
export function reportRedisError(source: string, err: Error): void {
  if (!CONNECTION_ERROR.test(err.message)) {
    logger.error({ source, err: err.message }, 'redis client error');
    return;
  }
  const now = Date.now();
  downSince ??= now;
  if (now - lastLogged < LOG_EVERY_MS) {
    suppressed++;
    return;
  }
  logger.warn({ source, err: err.message, down_for_ms: now - downSince, errors_since_last_line: suppressed }, 'redis unavailable; retrying');
  lastLogged = now;
  suppressed = 0;
}

export function reportRedisReady(source: string): void {
  if (downSince === undefined) return;
  logger.log({ source, down_for_ms: Date.now() - downSince }, 'redis reconnected');
  downSince = undefined;
  lastLogged = 0;
  suppressed = 0;
}

/** Routes an emitter's 'error' events here (an unhandled one would print a stack per retry). */
export function quietErrors(emitter: { on(event: 'error', listener: (err: Error) => void): unknown }, source: string): void {
  emitter.on('error', (err: Error) => reportRedisError(source, err));
}
