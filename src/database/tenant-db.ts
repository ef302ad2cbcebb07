import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { isUuid } from '../common/ids/uuid';
import { requestContext } from '../common/logging/logger';
import { APP_CONFIG, AppConfig } from '../config/env';
import { Sql } from './sql';

export type TenantWork<T> = (m: Sql) => Promise<T>;

export const TENANT_DATA_SOURCE = Symbol('TENANT_DATA_SOURCE');

function assertOrg(org: string): void {
  if (!isUuid(org)) throw new Error('TenantDb: organization must be a UUID');
}

/** How long Postgres lets one statement run, and a transaction sit idle, in ms (0 = no limit). */
export interface TxLimits {
  statementMs: number;
  idleInTransactionMs: number;
}

const ms = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('TenantDb: a timeout must be a whole number of ms');
  return String(n);
};

/**
 * `BEGIN`, the organization and the transaction's time limits in one round trip. A parameter
 * would force the extended protocol, which takes one statement at a time; the organization is
 * checked to be a UUID and the limits to be integers first, so splicing them in cannot change
 * the statement. One SELECT either way, so a batch's result positions do not move.
 */
export function scopedBegin(org: string, limits?: TxLimits): string {
  assertOrg(org);
  const bounds = limits
    ? `, set_config('statement_timeout', '${ms(limits.statementMs)}', true)` +
      `, set_config('idle_in_transaction_session_timeout', '${ms(limits.idleInTransactionMs)}', true)`
    : '';
  return `BEGIN; SELECT set_config('app.org_id', '${org}', true)${bounds}`;
}

/** How full TenantDb's pool is: `waiting` callers queue only when every connection is busy. */
export interface PoolState {
  max: number;
  open: number;
  busy: number;
  waiting: number;
}

/** Runs `work`; if it fails, ends the open transaction before passing the error on. */
async function rollingBackOnError<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * The way into tenant data. Every unit of work names its organization; row-level security
 * does the rest, so a query that leaves out the organization filter still cannot see or
 * write another organization's rows.
 *
 * TenantDb owns its pool (TENANT_DATA_SOURCE) and nothing else is given it. `read` leaves the
 * organization set on the connection for the next read of the same organization, which
 * saves two round trips; every way into this pool sets the organization before any work, so
 * a leftover setting is always overwritten. The shared pool (`unscoped`) never carries one.
 */
@Injectable()
export class TenantDb implements OnApplicationShutdown {
  /** The organization and statement timeout each pooled connection carries at session level, if any. */
  private readonly sessionOrg = new WeakMap<PoolClient, string>();
  private readonly requestLimits: TxLimits;
  private readonly jobLimits: TxLimits;

  constructor(
    @Inject(TENANT_DATA_SOURCE) private readonly ds: DataSource,
    @InjectDataSource() private readonly shared: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const idleInTransactionMs = config.databaseIdleInTransactionTimeoutMs;
    this.requestLimits = { statementMs: config.databaseStatementTimeoutMs, idleInTransactionMs };
    this.jobLimits = { statementMs: config.jobStatementTimeoutMs, idleInTransactionMs };
  }

  /**
   * Work done for an HTTP request is bounded tightly, so no caller can hold a connection for
   * minutes; jobs (snapshot runs, tapes) run outside any request and get the longer bound.
   */
  private limits(statementMs?: number): TxLimits {
    const base = requestContext.getStore() ? this.requestLimits : this.jobLimits;
    return statementMs === undefined ? base : { ...base, statementMs };
  }

  /** A transaction: use it for writes and for reads that must share one snapshot. */
  transaction<T>(org: string, work: TenantWork<T>): Promise<T> {
    return this.withClient(org, (_client, m) => work(m));
  }

  /**
   * Reads without a transaction: each statement sees the latest committed data. For
   * single-statement reads (one resource, one page) this is one round trip instead of three.
   */
  async read<T>(org: string, work: TenantWork<T>): Promise<T> {
    assertOrg(org);
    const timeout = ms(this.limits().statementMs);
    const session = `${org} ${timeout}`;
    return this.checkout(async (client, m) => {
      if (this.sessionOrg.get(client) !== session) {
        this.sessionOrg.delete(client);
        await client.query(`SELECT set_config('app.org_id', $1, false), set_config('statement_timeout', $2, false)`, [org, timeout]);
        this.sessionOrg.set(client, session);
      }
      return work(m);
    });
  }

  /**
   * A transaction, with the raw pg client for COPY and cursor streams. `statementTimeoutMs`
   * replaces the usual bound for work whose size is known to be large (a spooled import).
   */
  async withClient<T>(
    org: string,
    work: (client: PoolClient, m: Sql) => Promise<T>,
    opts: { statementTimeoutMs?: number } = {},
  ): Promise<T> {
    // Transaction-local: at COMMIT or ROLLBACK the connection returns to its session setting.
    const begin = scopedBegin(org, this.limits(opts.statementTimeoutMs));
    return this.checkout(async (client, m) => {
      await client.query(begin);
      const result = await rollingBackOnError(client, () => work(client, m));
      await client.query('COMMIT');
      return result;
    });
  }

  /**
   * Each statement in a transaction of its own, scoped to the organization, all sent in one
   * round trip (simple protocol: hence no parameters, so callers splice only values they have
   * checked or escaped with pg's escapeLiteral). Stops at the first failing statement; those
   * before it stay committed. Returns each statement's result, in order.
   */
  async eachInOwnTransaction(org: string, statements: string[]): Promise<QueryResult[]> {
    if (!statements.length) return [];
    const begin = scopedBegin(org, this.limits());
    const text = statements.map((sql) => `${begin}; ${sql}; COMMIT;`).join('\n');
    return this.checkout(async (client) => {
      const results = await rollingBackOnError(client, () => client.query(text) as unknown as Promise<QueryResult[]>);
      // Per statement: BEGIN, set_config, the statement, COMMIT.
      return statements.map((_sql, i) => results[i * 4 + 2]);
    });
  }

  /** A connection of TenantDb's pool for the length of `work`. */
  private async checkout<T>(work: (client: PoolClient, m: Sql) => Promise<T>): Promise<T> {
    const qr = this.ds.createQueryRunner();
    try {
      const client = (await qr.connect()) as PoolClient;
      return await work(client, new Sql(client));
    } finally {
      await qr.release();
    }
  }

  /** For readiness: a pool whose every connection is busy, with callers queued, is saturated. */
  poolState(): PoolState {
    const pool = (this.ds.driver as PostgresDriver).master as Pool;
    return { max: pool.options.max ?? 0, open: pool.totalCount, busy: pool.totalCount - pool.idleCount, waiting: pool.waitingCount };
  }

  /** Tables outside tenancy (organizations) and health checks only: the shared pool. */
  get unscoped(): DataSource {
    return this.shared;
  }

  /** Connections in use, idle and waited for, per pool: for /metrics. */
  poolStats(): { pool: string; inUse: number; idle: number; waiting: number }[] {
    return Object.entries({ tenant: this.ds, shared: this.shared }).flatMap(([pool, ds]) => {
      const p = (ds.driver as unknown as { master?: Pool }).master;
      return p ? [{ pool, inUse: p.totalCount - p.idleCount, idle: p.idleCount, waiting: p.waitingCount }] : [];
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
