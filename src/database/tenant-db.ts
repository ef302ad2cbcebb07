import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';

export type TenantWork<T> = (m: EntityManager) => Promise<T>;

/**
 * The way into tenant data. Every unit of work runs in a transaction that names its
 * organization; row-level security does the rest, so a query that leaves out the
 * organization filter still cannot see or write another organization's rows.
 */
@Injectable()
export class TenantDb {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  run<T>(org: string, work: TenantWork<T>): Promise<T> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT set_config('app.org_id', $1, true)`, [org]);
      return work(m);
    });
  }

  /** Same scoping, with the raw pg client for COPY and cursor streams. */
  async withClient<T>(org: string, work: (client: PoolClient, m: EntityManager) => Promise<T>): Promise<T> {
    const qr = this.ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query(`SELECT set_config('app.org_id', $1, true)`, [org]);
      const client = (await qr.connect()) as PoolClient;
      const result = await work(client, qr.manager);
      await qr.commitTransaction();
      return result;
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }
  }

  /** Tables outside tenancy (organizations) and health checks only. */
  get unscoped(): DataSource {
    return this.ds;
  }
}
