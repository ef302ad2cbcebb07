import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { signToken } from '../../../src/common/auth/credentials';
import { loadConfig } from '../../../src/config/env';
import { migrate } from '../../../src/database/migrate';
import { ThrowawayRedis } from '../../support/redis-server';
import { ThrowawayPostgres } from './postgres-cluster';
import { Role, ServiceProcess } from './service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Schedules never fire during a run (1 January, 03:17): only the jobs a test submits exist.
const NEVER = '17 3 1 1 *';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  ms: number;
}

/**
 * One fault scenario's world: its own Postgres cluster and Redis server on random ports, the
 * schema migrated, and the service started from dist/ as separate API and worker processes.
 */
export class Stack {
  readonly pg = new ThrowawayPostgres();
  readonly redis = new ThrowawayRedis();
  readonly tapeDir = path.join(this.pg.dir, 'tapes');
  readonly processes: ServiceProcess[] = [];
  private spawned = 0;

  get env(): Record<string, string> {
    return {
      NODE_ENV: 'test',
      DATABASE_URL: this.pg.url(),
      REDIS_URL: this.redis.url,
      QUEUE_PREFIX: 'fault',
      LOG_LEVEL: 'info',
      RATE_LIMIT_MAX: '10000000',
      JOB_ATTEMPTS: '3',
      TAPE_STORAGE_DIR: this.tapeDir,
      SNAPSHOT_CRON: NEVER,
      AUTO_ASSIGN_CRON: NEVER,
      SAVINGS_SETTLEMENT_CRON: NEVER,
      SAVINGS_ACCRUAL_CRON: NEVER,
      TAPE_CLEANUP_CRON: NEVER,
      // A fresh database has never run today's snapshot: on 1 January after 03:17 the keeper would catch it up.
      SCHEDULE_CATCH_UP_GRACE_MS: '86400000',
    };
  }

  async start(): Promise<this> {
    this.pg.init();
    this.pg.start();
    await this.redis.start();
    mkdirSync(this.tapeDir, { recursive: true });
    await migrate(loadConfig({ ...this.env }));
    return this;
  }

  /** Starts a service process and waits until it is ready. */
  async spawn(role: Role, env: Record<string, string> = {}): Promise<ServiceProcess> {
    return this.launch(role, env).ready();
  }

  /** Starts a service process without waiting for it (it may never be ready: Redis down at boot). */
  launch(role: Role, env: Record<string, string> = {}): ServiceProcess {
    const log = path.join(this.pg.dir, `${role}-${++this.spawned}.log`);
    const p = new ServiceProcess(role, { ...this.env, ...env }, log);
    this.processes.push(p);
    return p;
  }

  /** Stops everything this stack started, even after a failed test. */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill('SIGKILL')));
    this.redis.stop();
    this.pg.destroy();
  }

  token(org: string, role: 'viewer' | 'admin' | 'owner' = 'admin'): string {
    return signToken({ sub: `fault-${role}`, org, role }, loadConfig(this.env).jwtSecret, 3600);
  }

  /** A new organization, known to the database, for SQL-seeded fixtures. */
  newOrg(): string {
    const org = randomUUID();
    this.pg.psql(`INSERT INTO organizations (id) VALUES ('${org}')`);
    return org;
  }

  async call(api: ServiceProcess, org: string, method: string, url: string, body?: unknown, timeoutMs = 30_000): Promise<Reply> {
    const started = Date.now();
    const res = await fetch(api.url + url, {
      method,
      headers: { Authorization: `Bearer ${this.token(org)}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, body: /json/.test(type) && text ? JSON.parse(text) : text, ms: Date.now() - started };
  }

  /** Polls GET /jobs/{id} until `done` holds for its body. */
  async waitJob(api: ServiceProcess, org: string, statusUrl: string, done: (job: any) => boolean, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await this.call(api, org, 'GET', statusUrl)).body;
      if (done(last)) return last;
      await sleep(50);
    }
    throw new Error(`job condition not met in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  }
}

export { sleep };
