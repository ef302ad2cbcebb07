import { CronExpressionParser } from 'cron-parser';
import { isIP } from 'node:net';
import { weakEncryptionKey, weakJwtSecret, weakOpsPassword } from './secret-strength';
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
  /** Where the app's pools log in: a role that owns nothing and cannot leave its privileges. */
  databaseRuntimeUrl: string;
  databaseRuntimeUser: string;
  /** Set on the role at every boot when configured; otherwise the role keeps the one it has. */
  databaseRuntimePassword?: string;
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
  opsDashboardWrite: boolean;
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
  cspUpgradeInsecureRequests: boolean;
  shutdownTimeoutMs: number;
  jobAttempts: number;
  // Token lifetime, public links and tape retention (issue #13, items 8 and 9).
  jwtMaxTtlSeconds: number;
  publicBaseUrl?: string;
  trustProxy: TrustProxy;
  tapeRetentionDays: number;
  // Months of day-level loan history kept (issue #17.4); month-ends are kept for ever. 0 keeps every day.
  snapshotDayRetentionMonths: number;
  tapeCleanupCron: string;
  // Savings side: OAuth client credentials and Flagstone-style double authentication.
  oauthTokenTtlSeconds: number;
  requireSubscriptionKeyAndToken: boolean;
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

/** Fastify's trustProxy: off, every hop, a hop count, or a comma-separated list of addresses/CIDRs. */
export type TrustProxy = boolean | number | string;

const DEV_JWT_SECRET = 'dev-only-jwt-secret-not-for-production-use';
// 32 bytes of zeros-and-text, base64: fine for a laptop, refused in production.
const DEV_ENCRYPTION_KEY = Buffer.from('dev-only-encryption-key-32-bytes').toString('base64');

// Given to the runtime role when it is first created outside production; never in production.
const DEV_RUNTIME_PASSWORD = 'dev-only-runtime-password';

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

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name, String(fallback)).toLowerCase();
  if (raw !== 'true' && raw !== 'false') throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
  return raw === 'true';
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

/** Where absolute links point: scheme, host and optional path prefix, no trailing slash. */
function publicBaseUrl(env: Env): string | undefined {
  if (!env.PUBLIC_BASE_URL) return undefined;
  const u = new URL(url(env, 'PUBLIC_BASE_URL', '', ['http:', 'https:']));
  if (u.search || u.hash || u.username || u.password) {
    throw new ConfigError('PUBLIC_BASE_URL must be scheme://host[:port][/prefix], without credentials, query or fragment');
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

function trustProxy(env: Env): TrustProxy {
  const raw = str(env, 'TRUST_PROXY', 'false').trim();
  if (raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((e) => e.trim());
  const ok = entries.every((e) => {
    const [addr, bits, extra] = e.split('/');
    return isIP(addr) !== 0 && extra === undefined && (bits === undefined || /^\d{1,3}$/.test(bits));
  });
  if (!ok) throw new ConfigError('TRUST_PROXY must be true, false, a hop count, or comma-separated IP addresses/CIDRs');
  return entries.join(',');
}

/** Production refuses secrets a typo or a placeholder would give (rules in secret-strength.ts). */
function refuseWeakSecrets(jwtSecret: string, encKey: Buffer, opsPassword: string | undefined): void {
  const checks: [string, string | null][] = [
    ['JWT_SECRET', weakJwtSecret(jwtSecret)],
    ['DATA_ENCRYPTION_KEY', weakEncryptionKey(encKey)],
    ['OPS_PASSWORD', opsPassword === undefined ? null : weakOpsPassword(opsPassword)],
  ];
  for (const [name, problem] of checks) if (problem) throw new ConfigError(`${name} ${problem}`);
}

// A plain lower-case identifier, so the role name never needs care when spliced into DDL.
const ROLE_NAME_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The runtime login: DATABASE_RUNTIME_URL whole, or DATABASE_URL with DATABASE_RUNTIME_USER
 * (default portfolio_runtime) and DATABASE_RUNTIME_PASSWORD in place of the owner's credentials.
 * It must not be the owner: migrations run as the owner, the app never does.
 */
function runtimeLogin(env: Env, databaseUrl: string, isProduction: boolean): { url: string; user: string; password?: string } {
  const owner = new URL(databaseUrl);
  let login: URL;
  if (str(env, 'DATABASE_RUNTIME_URL', '')) {
    if (env.DATABASE_RUNTIME_USER || env.DATABASE_RUNTIME_PASSWORD) {
      throw new ConfigError('DATABASE_RUNTIME_URL and DATABASE_RUNTIME_USER/DATABASE_RUNTIME_PASSWORD are exclusive: set one');
    }
    login = new URL(url(env, 'DATABASE_RUNTIME_URL', '', ['postgres:', 'postgresql:']));
  } else {
    login = new URL(databaseUrl);
    login.username = encodeURIComponent(str(env, 'DATABASE_RUNTIME_USER', 'portfolio_runtime'));
    // Outside production a known password lets a fresh docker-compose Postgres (password auth) work with no .env.
    login.password = encodeURIComponent(str(env, 'DATABASE_RUNTIME_PASSWORD', isProduction ? '' : DEV_RUNTIME_PASSWORD));
  }
  const name = env.DATABASE_RUNTIME_URL ? 'DATABASE_RUNTIME_URL' : 'DATABASE_RUNTIME_USER';
  const user = decodeURIComponent(login.username);
  if (!ROLE_NAME_RE.test(user)) {
    throw new ConfigError(`${name} must name a role in lower-case letters, digits and _ (at most 63), got "${user}"`);
  }
  if (user === decodeURIComponent(owner.username)) {
    throw new ConfigError(`${name} must name a role other than DATABASE_URL's owner role "${user}"`);
  }
  // Only a password that was configured is set on the role at every boot (so rotation works).
  const explicit = env.DATABASE_RUNTIME_URL ? login.password : encodeURIComponent(env.DATABASE_RUNTIME_PASSWORD ?? '');
  return { url: login.toString(), user, password: explicit ? decodeURIComponent(explicit) : undefined };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const nodeEnv = str(env, 'NODE_ENV', 'development');
  const isProduction = nodeEnv === 'production';
  const role = str(env, 'PROCESS_ROLE', 'all');
  if (!['all', 'api', 'worker'].includes(role)) {
    throw new ConfigError(`PROCESS_ROLE must be all, api or worker, got "${role}"`);
  }
  const jwtSecret = str(env, 'JWT_SECRET', DEV_JWT_SECRET);
  const jwtMaxTtlSeconds = int(env, 'JWT_MAX_TTL_SECONDS', 86_400, 60, 2_592_000);
  const encKeyRaw = str(env, 'DATA_ENCRYPTION_KEY', DEV_ENCRYPTION_KEY);
  if (isProduction && jwtSecret === DEV_JWT_SECRET) {
    throw new ConfigError('JWT_SECRET must be set to a real secret in production');
  }
  if (isProduction && encKeyRaw === DEV_ENCRYPTION_KEY) {
    throw new ConfigError('DATA_ENCRYPTION_KEY must be set to a real key in production');
  }
  const opsUser = env.OPS_USER || undefined;
  const opsPassword = env.OPS_PASSWORD || undefined;
  if (Boolean(opsUser) !== Boolean(opsPassword)) {
    throw new ConfigError('OPS_USER and OPS_PASSWORD must be set together');
  }
  const opsWrite = str(env, 'OPS_DASHBOARD_WRITE', 'false');
  if (!['true', 'false'].includes(opsWrite)) throw new ConfigError(`OPS_DASHBOARD_WRITE must be true or false, got "${opsWrite}"`);
  if (isProduction) refuseWeakSecrets(jwtSecret, key('DATA_ENCRYPTION_KEY', encKeyRaw), opsPassword);
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

  const databaseUrl = url(env, 'DATABASE_URL', 'postgres://postgres:postgres@localhost:5432/portfolio', ['postgres:', 'postgresql:']);
  const runtime = runtimeLogin(env, databaseUrl, isProduction);
  const rateLimitMax = int(env, 'RATE_LIMIT_MAX', 1200, 1, 10_000_000);

  return Object.freeze({
    nodeEnv,
    isProduction,
    port: int(env, 'PORT', 3000, 0, 65535),
    host: str(env, 'HOST', '0.0.0.0'),
    databaseUrl,
    databaseRuntimeUrl: runtime.url,
    databaseRuntimeUser: runtime.user,
    databaseRuntimePassword: runtime.password,
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
    opsDashboardWrite: opsWrite === 'true',
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
    importMaxBytes: int(env, 'IMPORT_MAX_BYTES', 4_294_967_296, 1024, 1_099_511_627_776),
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
    // Off by default: behind plain http (a LAN address, a container port) the directive makes the
    // browser fetch the docs page's assets over https, and the page stays blank.
    cspUpgradeInsecureRequests: bool(env, 'CSP_UPGRADE_INSECURE_REQUESTS', false),
    // A process that runs jobs waits for the running one (a snapshot run or a large tape can take
    // a minute); an API-only process has only requests to drain.
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', role === 'api' ? 10_000 : 120_000, 0, 600_000),
    jobAttempts: int(env, 'JOB_ATTEMPTS', 5, 1, 50),
    jwtMaxTtlSeconds,
    publicBaseUrl: publicBaseUrl(env),
    trustProxy: trustProxy(env),
    // 0 keeps tapes forever.
    tapeRetentionDays: int(env, 'TAPE_RETENTION_DAYS', 0, 0, 36_500),
    tapeCleanupCron: cron(env, 'TAPE_CLEANUP_CRON', '15 3 * * *'),
    // 0 keeps every day's loan snapshots.
    snapshotDayRetentionMonths: int(env, 'SNAPSHOT_DAY_RETENTION_MONTHS', 0, 0, 1200),
    // Savings side: lifetime of a client-credentials token, never longer than the guard accepts
    // (else every token issued would be refused); whether savings routes demand both the
    // cdpapi-Subscription-Key and a Bearer token, as Flagstone does.
    oauthTokenTtlSeconds: Math.min(int(env, 'OAUTH_TOKEN_TTL_SECONDS', 3600, 60, 86_400), jwtMaxTtlSeconds),
    requireSubscriptionKeyAndToken: bool(env, 'REQUIRE_SUBSCRIPTION_KEY_AND_TOKEN', false),
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
