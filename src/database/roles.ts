import { Client, escapeLiteral } from 'pg';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/env';
import { APP_ROLE } from './options';

// Roles are cluster-wide while databases are not: many databases on one server (the e2e runs)
// may create the same role at once. These are the errors such a race can raise.
const RACE_CODES = new Set([
  '42710', // duplicate_object: another session created the role first
  '23505', // unique_violation: both inserted into pg_authid / pg_auth_members together
  'XX000', // "tuple concurrently updated": two ALTER ROLE on the same role
  '40001',
  '40P01',
]);

/**
 * Makes sure the runtime login role exists as a plain LOGIN role that inherits exactly the
 * privileges of APP_ROLE and nothing else: no superuser, no role or database creation, no
 * RLS bypass, no replication. Safe to run from many boots at once and on every boot.
 * Runs as the owner (DATABASE_URL), after the migrations have created APP_ROLE.
 */
export async function ensureRuntimeRole(owner: Client, config: AppConfig): Promise<void> {
  const role = config.databaseRuntimeUser;
  // Checked by config too; this is the last line before DDL. The name needs no quoting.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role) || role === APP_ROLE) {
    throw new Error(`runtime role "${role}" cannot be used`);
  }
  const phrase = (p: string | undefined) => (p ? ` PASSWORD ${escapeLiteral(p)}` : '');
  // A new role gets the URL's password (the development default when none is configured);
  // a configured one is set at every boot so that rotating it needs no manual step.
  const initial = phrase(decodeURIComponent(new URL(config.databaseRuntimeUrl).password));
  const configured = phrase(config.databaseRuntimePassword);
  for (let attempt = 1; ; attempt++) {
    try {
      await converge(owner, role, initial, configured);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!RACE_CODES.has(code) || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

const ATTRIBUTES = 'LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION';

/**
 * One pass from whatever exists to the wanted role; each step only when needed, so a role a
 * DBA provisioned needs no CREATEROLE here. Plain statements, not a DO block: a password can
 * hold any characters, and only a top-level literal escapes them all.
 */
async function converge(owner: Client, role: string, initial: string, configured: string): Promise<void> {
  const { rows } = await owner.query(
    `SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls OR rolreplication OR NOT rolcanlogin OR NOT rolinherit AS wrong,
            pg_has_role(oid, $2::name, 'MEMBER') AS member
       FROM pg_roles WHERE rolname = $1`,
    [role, APP_ROLE],
  );
  const found = rows[0] as { wrong: boolean; member: boolean } | undefined;
  if (!found) await owner.query(`CREATE ROLE ${role} ${ATTRIBUTES}${initial}`);
  else if (found.wrong) await owner.query(`ALTER ROLE ${role} ${ATTRIBUTES}`);
  if (found && configured) await owner.query(`ALTER ROLE ${role}${configured}`);
  if (!found?.member) await owner.query(`GRANT ${APP_ROLE} TO ${role}`);
}

/**
 * Anything that makes a role more than a plain user, checked on the role and every role it can
 * become: role attributes, owning a relation, schema or this database, or a predefined pg_*
 * role (server files and programs, reading or writing all data).
 */
const PRIVILEGED = `(r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication
  OR r.rolname LIKE 'pg\\_%'
  OR EXISTS (SELECT FROM pg_class c WHERE c.relowner = r.oid AND c.relpersistence <> 't')
  OR EXISTS (SELECT FROM pg_namespace n WHERE n.nspowner = r.oid)
  OR EXISTS (SELECT FROM pg_database d WHERE d.datname = current_database() AND d.datdba = r.oid))`;

/**
 * Refuses to run the app on a connection that could step outside row-level security: one that
 * logs in as a superuser, a table owner, a role with BYPASSRLS/CREATEROLE/CREATEDB, or a member
 * of any such role (SET ROLE would get there). Its own temporary staging tables are fine.
 */
export async function assertLeastPrivilege(ds: DataSource): Promise<DataSource> {
  const [row] = (await ds.query(
    `SELECT current_user AS role,
            string_agg(r.rolname, ', ' ORDER BY r.rolname) FILTER (WHERE ${PRIVILEGED}) AS privileged,
            has_schema_privilege('public', 'CREATE') OR has_database_privilege(current_database(), 'CREATE') AS can_create
       FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER')`,
  )) as { role: string; privileged: string | null; can_create: boolean }[];
  const problem = row.privileged
    ? `it is or can become a privileged role or owner: ${row.privileged}`
    : row.can_create
      ? 'it may create schemas or tables'
      : '';
  if (problem) {
    await ds.destroy();
    throw new Error(
      `database role "${row.role}" is too privileged for the app (${problem}); ` +
        'point DATABASE_RUNTIME_URL / DATABASE_RUNTIME_USER at a plain role',
    );
  }
  return ds;
}
