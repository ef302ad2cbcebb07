import { CronExpressionParser } from 'cron-parser';
import { tmpdir } from 'node:os';

/**
 * The one place that reads process.env. Every variable is parsed once into a typed,
 * frozen object; a bad value throws a ConfigError whose message is one line naming it.
 */
export class ConfigError extends Error {}

export type ProcessRole = 'all' | 'api' | 'worker';

export interface AppConfig {
  nodeEnv: string;
  isProduction: boolean;
  port: number;
  host: string;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  jwtSecret: string;
  dataEncryptionKey: Buffer;
  previousDataEncryptionKeys: Buffer[];
  processRole: ProcessRole;
  tapeStorageDir: string;
  snapshotCron: string;
  autoAssignCron: string;
  savingsSettlementCron: string;
  savingsAccrualCron: string;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  opsUser?: string;
  opsPassword?: string;
  rateLimitMax: number;
  rateLimitWindowSeconds: number;
  /** Failed authentications allowed per client address per window; then every request from it is 429. */
  rateLimitAuthFailuresMax: number;
  bodyLimitBytes: number;
  /** Bounds that keep one tenant from starving the others (see README, Configuration). */
  httpRequestTimeoutMs: number;
  httpConnectionTimeoutMs: number;
  httpKeepAliveTimeoutMs: number;
  databaseAcquireTimeoutMs: number;
  databaseStatementTimeoutMs: number;
  databaseIdleInTransactionTimeoutMs: number;
  jobStatementTimeoutMs: number;
  importMaxBytes: number;
  importMaxRecordBytes: number;
  importMaxConcurrentPerOrg: number;
  importMaxLoading: number;
  importBodyIdleTimeoutMs: number;
  importStatementTimeoutMs: number;
  importSpoolDir: string;
  corsOrigins: string[];
  shutdownTimeoutMs: number;
  jobAttempts: number;
}

const DEV_JWT_SECRET = 'dev-only-jwt-secret-not-for-production-use';
// 32 bytes of zeros-and-text, base64: fine for a laptop, refused in production.
const DEV_ENCRYPTION_KEY = Buffer.from('dev-only-encryption-key-32-bytes').toString('base64');

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${raw}`);
  return n;
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const v = str(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}`);
  }
  return v;
}

/** Parsed by the same cron parser BullMQ schedules with, so a value that boots also fires. */
function cron(env: Env, name: string, fallback: string): string {
  const v = str(env, name, fallback).trim();
  // cron-parser fills in missing fields; a schedule must spell out five (or six, with seconds).
  if (!/^(\S+\s+){4,5}\S+$/.test(v)) throw new ConfigError(`${name} must have 5 or 6 cron fields, got "${v}"`);
  try {
    CronExpressionParser.parse(v, { tz: 'UTC' });
  } catch (err) {
    throw new ConfigError(`${name} is not a valid cron expression ("${v}"): ${(err as Error).message}`);
  }
  return v;
}

function key(name: string, raw: string): Buffer {
  const buf = Buffer.from(raw, 'base64');
  if (buf.length !== 32) throw new ConfigError(`${name} must be 32 bytes, base64-encoded`);
  return buf;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = str(env, 'NODE_ENV', 'development');
  const isProduction = nodeEnv === 'production';
  const role = str(env, 'PROCESS_ROLE', 'all');
  if (!['all', 'api', 'worker'].includes(role)) {
    throw new ConfigError(`PROCESS_ROLE must be all, api or worker, got "${role}"`);
  }
  const jwtSecret = str(env, 'JWT_SECRET', DEV_JWT_SECRET);
  const encKeyRaw = str(env, 'DATA_ENCRYPTION_KEY', DEV_ENCRYPTION_KEY);
  if (isProduction && (jwtSecret === DEV_JWT_SECRET || jwtSecret.length < 32)) {
    throw new ConfigError('JWT_SECRET must be set to a real secret of at least 32 characters in production');
  }
  if (isProduction && encKeyRaw === DEV_ENCRYPTION_KEY) {
    throw new ConfigError('DATA_ENCRYPTION_KEY must be set to a real key in production');
  }
  const opsUser = env.OPS_USER || undefined;
  const opsPassword = env.OPS_PASSWORD || undefined;
  if (Boolean(opsUser) !== Boolean(opsPassword)) {
    throw new ConfigError('OPS_USER and OPS_PASSWORD must be set together');
  }
  const logLevel = str(env, 'LOG_LEVEL', 'info');
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  // auto: readable lines on a terminal in development, JSON everywhere else.
  const logFormatRaw = str(env, 'LOG_FORMAT', 'auto');
  if (!['auto', 'json', 'pretty'].includes(logFormatRaw)) throw new ConfigError(`LOG_FORMAT must be auto, json or pretty, got "${logFormatRaw}"`);
  const logFormat = logFormatRaw === 'auto' ? (!isProduction && process.stdout.isTTY ? 'pretty' : 'json') : logFormatRaw;
  const previous = str(env, 'DATA_ENCRYPTION_PREVIOUS_KEYS', '')
    .split(',')
    .filter(Boolean)
    .map((k) => key('DATA_ENCRYPTION_PREVIOUS_KEYS', k.trim()));

  const rateLimitMax = int(env, 'RATE_LIMIT_MAX', 1200, 1, 10_000_000);

  return Object.freeze({
    nodeEnv,
    isProduction,
    port: int(env, 'PORT', 3000, 0, 65535),
    host: str(env, 'HOST', '0.0.0.0'),
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres:postgres@localhost:5432/portfolio', [
      'postgres:',
      'postgresql:',
    ]),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    queuePrefix: str(env, 'QUEUE_PREFIX', 'portfolio'),
    jwtSecret,
    dataEncryptionKey: key('DATA_ENCRYPTION_KEY', encKeyRaw),
    previousDataEncryptionKeys: previous,
    processRole: role as ProcessRole,
    tapeStorageDir: str(env, 'TAPE_STORAGE_DIR', './var/tapes'),
    snapshotCron: cron(env, 'SNAPSHOT_CRON', '30 23 * * *'),
    autoAssignCron: cron(env, 'AUTO_ASSIGN_CRON', '0 * * * *'),
    savingsSettlementCron: cron(env, 'SAVINGS_SETTLEMENT_CRON', '0 6 * * *'),
    savingsAccrualCron: cron(env, 'SAVINGS_ACCRUAL_CRON', '0 1 * * *'),
    logLevel,
    logFormat: logFormat as 'json' | 'pretty',
    opsUser,
    opsPassword,
    rateLimitMax,
    rateLimitWindowSeconds: int(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    rateLimitAuthFailuresMax: int(env, 'RATE_LIMIT_AUTH_FAILURES_MAX', rateLimitMax, 1, 10_000_000),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    // 0 turns a timeout off. Node answers 408 itself when the whole request has not arrived in time.
    httpRequestTimeoutMs: int(env, 'HTTP_REQUEST_TIMEOUT_MS', 300_000, 0, 3_600_000),
    // A socket with no traffic either way; also while the service works on a long request.
    httpConnectionTimeoutMs: int(env, 'HTTP_CONNECTION_TIMEOUT_MS', 300_000, 0, 3_600_000),
    // Above the usual load balancer idle timeout (60 s), so the balancer closes first.
    httpKeepAliveTimeoutMs: int(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 72_000, 1, 3_600_000),
    databaseAcquireTimeoutMs: int(env, 'DATABASE_ACQUIRE_TIMEOUT_MS', 5_000, 1, 600_000),
    databaseStatementTimeoutMs: int(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 30_000, 0, 86_400_000),
    databaseIdleInTransactionTimeoutMs: int(env, 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 0, 86_400_000),
    jobStatementTimeoutMs: int(env, 'JOB_STATEMENT_TIMEOUT_MS', 1_800_000, 0, 86_400_000),
    importMaxBytes: int(env, 'IMPORT_MAX_BYTES', 1_073_741_824, 1024, 1_099_511_627_776),
    importMaxRecordBytes: int(env, 'IMPORT_MAX_RECORD_BYTES', 65_536, 256, 16_777_216),
    importMaxConcurrentPerOrg: int(env, 'IMPORT_MAX_CONCURRENT_PER_ORG', 10, 1, 1000),
    // Imports in their transaction at once: by default half the tenant pool, so requests keep the rest.
    importMaxLoading: int(env, 'IMPORT_MAX_LOADING', Math.max(1, Math.floor(int(env, 'DATABASE_POOL_SIZE', 10, 1, 200) / 2)), 1, 200),
    importBodyIdleTimeoutMs: int(env, 'IMPORT_BODY_IDLE_TIMEOUT_MS', 30_000, 1, 600_000),
    importStatementTimeoutMs: int(env, 'IMPORT_STATEMENT_TIMEOUT_MS', 600_000, 0, 86_400_000),
    importSpoolDir: str(env, 'IMPORT_SPOOL_DIR', tmpdir()),
    corsOrigins: str(env, 'CORS_ORIGINS', '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    // A process that runs jobs waits for the running one (a snapshot run or a large tape can take
    // a minute); an API-only process has only requests to drain.
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', role === 'api' ? 10_000 : 120_000, 0, 600_000),
    jobAttempts: int(env, 'JOB_ATTEMPTS', 5, 1, 50),
  });
}

export const APP_CONFIG = Symbol('APP_CONFIG');
