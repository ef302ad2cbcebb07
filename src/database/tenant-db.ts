import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../common/auth/credentials';

export type TenantWork<T> = (m: EntityManager) => Promise<T>;

/**
 * `BEGIN` and the organization setting in one round trip. A parameter would force the
 * extended protocol, which takes one statement at a time; the organization is checked to be
 * a UUID first, so splicing it in cannot change the statement.
 */
export function scopedBegin(org: string): string {
  if (!isUuid(org)) throw new Error('TenantDb: organization must be a UUID');
  return `BEGIN; SELECT set_config('app.org_id', '${org}', true)`;
}

/**
 * The way into tenant data. Every unit of work runs in a transaction that names its
 * organization; row-level security does the rest, so a query that leaves out the
 * organization filter still cannot see or write another organization's rows.
 */
@Injectable()
export class TenantDb {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  run<T>(org: string, work: TenantWork<T>): Promise<T> {
    return this.withClient(org, (_client, m) => work(m));
  }

  /** Same scoping, with the raw pg client for COPY and cursor streams. */
  async withClient<T>(org: string, work: (client: PoolClient, m: EntityManager) => Promise<T>): Promise<T> {
    const begin = scopedBegin(org);
    const qr = this.ds.createQueryRunner();
    try {
      const client = (await qr.connect()) as PoolClient;
      await client.query(begin);
      let result: T;
      try {
        result = await work(client, qr.manager);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      await client.query('COMMIT');
      return result;
    } finally {
      await qr.release();
    }
  }

  /** Tables outside tenancy (organizations) and health checks only. */
  get unscoped(): DataSource {
    return this.ds;
  }
}
