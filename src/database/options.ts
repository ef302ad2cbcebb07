import { types } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/env';
import { MIGRATIONS } from './migrations';

// Business dates stay 'YYYY-MM-DD' strings: node-postgres would otherwise make local-time Dates.
types.setTypeParser(types.builtins.DATE, (v: string) => v);

/**
 * The privileges every application connection has (a NOLOGIN role). The runtime login role
 * (DATABASE_RUNTIME_USER) is a member and inherits exactly these; row-level security applies.
 */
export const APP_ROLE = 'portfolio_app';

/**
 * One options object for the app and the migration CLI. `asApp` connections log in as the
 * runtime role, which owns nothing and can become no one more privileged (a `RESET ROLE`
 * leaves it where it is), so a query that forgets the organization sees no rows instead of
 * every organization's rows; migrations log in as the owner. `pool` picks the app pool: `tenant` is TenantDb's
 * own (its connections may carry an organization between uses), `shared` is for everything
 * that runs before an organization is known.
 */
export function dataSourceOptions(config: AppConfig, asApp: boolean, pool: 'tenant' | 'shared' = 'shared'): DataSourceOptions {
  const max = pool === 'tenant' ? config.databasePoolSize : Math.max(2, Math.ceil(config.databasePoolSize / 2));
  return {
    type: 'postgres',
    url: asApp ? config.databaseRuntimeUrl : config.databaseUrl,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    entities: [],
    poolSize: asApp ? max : 2,
    applicationName: asApp ? `portfolio-service-${pool}` : 'portfolio-service-migrate',
    // JIT off for the service's own connections: its big statements are jobs that set their own
    // plans, and a page read whose estimate crosses jit_above_cost (a month of snapshots) would
    // spend 7–13 ms compiling a plan that runs in under one. No parallel plans unless a statement
    // asks (grouped-insert.ts): requests from many organizations share two cores, and a page read
    // that took a second process would take it from another organization's request.
    extra: { max: asApp ? max : 2, ...(asApp ? { options: '-c jit=off -c max_parallel_workers_per_gather=0' } : {}) },
  };
}
