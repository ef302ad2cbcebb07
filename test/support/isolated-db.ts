import { Client } from 'pg';
import { loadConfig } from '../../src/config/env';
import { migrate } from '../../src/database/migrate';

/**
 * A database of one test file's own, beside the run's: for files whose workers fan out to
 * every organization or reconcile every pending job, so they never touch another file's data.
 */
export class IsolatedDatabase {
  readonly url: string;

  constructor(suffix: string) {
    const u = new URL(process.env.DATABASE_URL as string);
    u.pathname = `${u.pathname}_${suffix}`;
    this.url = u.toString();
  }

  async create(): Promise<void> {
    await migrate(loadConfig({ ...process.env, DATABASE_URL: this.url }));
  }

  /** Runs SQL as the owner with the organization set (fixtures only). */
  async sql(text: string, params: unknown[] = [], org?: string): Promise<Record<string, unknown>[]> {
    const c = new Client({ connectionString: this.url });
    await c.connect();
    try {
      if (org) await c.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
      return (await c.query(text, params)).rows;
    } finally {
      await c.end();
    }
  }

  async drop(): Promise<void> {
    const admin = new URL(this.url);
    const name = admin.pathname.slice(1);
    admin.pathname = '/postgres';
    const c = new Client({ connectionString: admin.toString() });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } finally {
      await c.end();
    }
  }
}
