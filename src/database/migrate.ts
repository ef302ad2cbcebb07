import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/env';
import { APP_ROLE, dataSourceOptions } from './options';

const MIGRATION_LOCK = 727_001; // arbitrary, constant advisory-lock key for schema changes

/** Where a connection string points, for error messages: host, port and database, never the password. */
export function describeTarget(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
}

async function connectOrExplain(client: Client, databaseUrl: string): Promise<void> {
  try {
    await client.connect();
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`cannot reach Postgres at ${describeTarget(databaseUrl)} (DATABASE_URL): ${code ?? (err as Error).message}`);
  }
}

/** Creates the database when it is missing (a second replica racing us is fine). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await connectOrExplain(client, admin.toString());
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // duplicate_database: another replica won
      }
    }
  } finally {
    await client.end();
  }
}

/** Runs pending migrations under an advisory lock so replicas booting together do not race. */
export async function migrate(config: AppConfig): Promise<string[]> {
  await ensureDatabase(config.databaseUrl);
  const lock = new Client({ connectionString: config.databaseUrl });
  await connectOrExplain(lock, config.databaseUrl);
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ds = new DataSource(dataSourceOptions(config, false));
    await ds.initialize();
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      // New tables and partitions created by migrations are reachable by the app role.
      await ds.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`);
      await ds.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
      return ran.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
