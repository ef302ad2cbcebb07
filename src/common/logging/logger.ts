import { LoggerService } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { DestinationStream, Logger } from 'pino';
import pretty from 'pino-pretty';

/** The request being served, so every log line written on its behalf carries its id. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export type LogFormat = 'json' | 'pretty';

/** JSON for machines; on a terminal in development, pino-pretty's one coloured line per entry. */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const out = destination ?? (format === 'pretty' ? pretty({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }) : undefined);
  return pino(
    {
    level,
    base: { service: 'portfolio-service' },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    mixin: () => {
      const ctx = requestContext.getStore();
      return ctx ? { request_id: ctx.requestId } : {};
    },
    // Credentials never reach the logs, whichever header or field carries them.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'req.headers["cdpapi-subscription-key"]',
        'req.headers.cookie',
        '*.password',
        '*.key',
        '*.account_number',
        '*.iban',
      ],
      censor: '[redacted]',
    },
  },
    out,
  );
}

/** Nest's logger interface over pino: objects become fields, strings become the message. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message && typeof message === 'object') {
      const msg = typeof rest[0] === 'string' && rest.length > 1 ? (rest[0] as string) : context;
      this.pino[level]({ context, ...(message as object) }, msg ?? '');
    } else {
      this.pino[level]({ context }, String(message));
    }
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
}
