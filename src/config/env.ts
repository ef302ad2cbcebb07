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
  opsUser?: string;
  opsPassword?: string;
  rateLimitMax: number;
  rateLimitWindowSeconds: number;
  bodyLimitBytes: number;
  corsOrigins: string[];
  shutdownTimeoutMs: number;
  jobAttempts: number;
  durable: DurableWorkConfig;
}

/** Issue 14: the reconciler, schedule checks, the workers' own HTTP port, and one test hook. */
export interface DurableWorkConfig {
  reconcileIntervalMs: number;
  reconcileGraceMs: number;
  /** Finished job records are kept this many days (failed jobs stay in Redis 30 days too). */
  jobRequestRetentionDays: number;
  scheduleCheckIntervalMs: number;
  scheduleCatchUpGraceMs: number;
  workerHttpPort: number;
  /** Loans per chunk of a snapshot run (one INSERT each, progress after each). */
  snapshotChunkLoans: number;
  /** Test only (NODE_ENV=test): exit right after committing a job request, before adding it to Redis. */
  exitBeforeEnqueue: boolean;
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

function cron(env: Env, name: string, fallback: string): string {
  const v = str(env, name, fallback);
  if (!/^(\S+\s+){4,5}\S+$/.test(v.trim())) throw new ConfigError(`${name} is not a cron expression: "${v}"`);
  return v.trim();
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
  const previous = str(env, 'DATA_ENCRYPTION_PREVIOUS_KEYS', '')
    .split(',')
    .filter(Boolean)
    .map((k) => key('DATA_ENCRYPTION_PREVIOUS_KEYS', k.trim()));

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
    opsUser,
    opsPassword,
    rateLimitMax: int(env, 'RATE_LIMIT_MAX', 1200, 1, 10_000_000),
    rateLimitWindowSeconds: int(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    corsOrigins: str(env, 'CORS_ORIGINS', '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    // A process that runs jobs waits for the running one (a snapshot run or a large tape can take
    // a minute); an API-only process has only requests to drain.
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', role === 'api' ? 10_000 : 120_000, 0, 600_000),
    jobAttempts: int(env, 'JOB_ATTEMPTS', 5, 1, 50),
    durable: durableConfig(env, nodeEnv),
  });
}

function durableConfig(env: Env, nodeEnv: string): DurableWorkConfig {
  const exitBeforeEnqueue = env.TEST_EXIT_BEFORE_ENQUEUE === '1';
  if (exitBeforeEnqueue && nodeEnv !== 'test') throw new ConfigError('TEST_EXIT_BEFORE_ENQUEUE is a test hook: only with NODE_ENV=test');
  return Object.freeze({
    reconcileIntervalMs: int(env, 'JOB_RECONCILE_INTERVAL_MS', 30_000, 200, 3_600_000),
    reconcileGraceMs: int(env, 'JOB_RECONCILE_GRACE_MS', 10_000, 0, 3_600_000),
    jobRequestRetentionDays: int(env, 'JOB_REQUEST_RETENTION_DAYS', 30, 1, 3650),
    scheduleCheckIntervalMs: int(env, 'SCHEDULE_CHECK_INTERVAL_MS', 30_000, 200, 3_600_000),
    scheduleCatchUpGraceMs: int(env, 'SCHEDULE_CATCH_UP_GRACE_MS', 900_000, 0, 86_400_000),
    workerHttpPort: int(env, 'WORKER_HTTP_PORT', 3001, 0, 65535),
    snapshotChunkLoans: int(env, 'SNAPSHOT_RUN_CHUNK_LOANS', 100_000, 100, 10_000_000),
    exitBeforeEnqueue,
  });
}

export const APP_CONFIG = Symbol('APP_CONFIG');
