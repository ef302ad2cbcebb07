import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/env';
import { APP_ROLE, dataSourceOptions } from './options';
import { ensureRuntimeRole } from './roles';

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

/**
 * What the app role may touch, set on every boot so new tables and partitions are covered: every
 * table except the migration ledger and partitions (a partition read directly would skip its
 * parent's row-level security). Nobody but the owner creates objects in the schema.
 */
const GRANTS = `DO $$ DECLARE
    tables text;
    hidden text;
  BEGIN
    SELECT string_agg(c.oid::regclass::text, ', ') FILTER (WHERE NOT c.relispartition AND c.relname <> 'schema_migrations'),
           string_agg(c.oid::regclass::text, ', ') FILTER (WHERE c.relispartition OR c.relname = 'schema_migrations')
      INTO tables, hidden
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f');
    IF tables IS NOT NULL THEN EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO ${APP_ROLE}', tables); END IF;
    IF hidden IS NOT NULL THEN EXECUTE format('REVOKE ALL ON %s FROM ${APP_ROLE}', hidden); END IF;
    -- Not left to PUBLIC's defaults, which a DBA may have revoked. TEMPORARY: the import's staging table.
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO ${APP_ROLE}', current_database());
  END $$;
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};
  REVOKE CREATE ON SCHEMA public FROM PUBLIC`;

/**
 * Runs pending migrations under an advisory lock so replicas booting together do not race,
 * then grants the app role its privileges and makes sure the runtime login role exists.
 */
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
      await ds.query(GRANTS);
      await ensureRuntimeRole(lock, config);
      return ran.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}
