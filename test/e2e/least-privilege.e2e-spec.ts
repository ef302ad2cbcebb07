import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/env';
import { openTenantPool } from '../../src/database/database.module';
import { migrate } from '../../src/database/migrate';
import { ensureRuntimeRole } from '../../src/database/roles';
import { TENANT_DATA_SOURCE, TenantDb } from '../../src/database/tenant-db';
import { withOrgSql } from '../factories/db';
import { insertLoans } from '../factories/loans';
import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

type Row = Record<string, unknown>;

/** One connection of a pool for the length of `work`; `q` runs plain SQL on it. */
async function onConnection<T>(ds: DataSource, work: (q: (sql: string) => Promise<Row[]>) => Promise<T>): Promise<T> {
  const qr = ds.createQueryRunner();
  try {
    return await work((sql) => qr.query(sql) as Promise<Row[]>);
  } finally {
    await qr.release();
  }
}

/** Plain SQL as the owner (DATABASE_URL, or another URL). */
async function asOwner<T>(work: (c: Client) => Promise<T>, url = process.env.DATABASE_URL): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

const withDatabase = (name: string, user?: string): string => {
  const u = new URL(process.env.DATABASE_URL as string);
  u.pathname = `/${name}`;
  if (user) {
    u.username = user;
    u.password = '';
  }
  return u.toString();
};

// An extra app in this file runs no workers and has queues of its own: the run's other files
// share the run's queue prefix, and their jobs must never reach another database.
const apiOnly = () => ({ PROCESS_ROLE: 'api', QUEUE_PREFIX: `pgrole_${randomBytes(4).toString('hex')}` });

const owner = decodeURIComponent(new URL(process.env.DATABASE_URL as string).username);
const RUNTIME = 'portfolio_runtime';

describe('least privilege in Postgres (e2e)', () => {
  let t: TestApp;
  let pools: [string, DataSource][];
  const orgA = newOrg();
  const orgB = newOrg();
  const month = new Date().toISOString().slice(0, 7);
  const partition = `loan_snapshots_${month.replace('-', '_')}`;

  beforeAll(async () => {
    t = await startApp();
    pools = [
      ['tenant', t.app.get<DataSource>(TENANT_DATA_SOURCE)],
      ['shared', t.app.get(TenantDb).unscoped],
    ];
    const [loanA] = await insertLoans(orgA, [{ loan_number: 'LP-A-1' }]);
    await insertLoans(orgB, [{ loan_number: 'LP-B-1' }]);
    await withOrgSql(orgA, (c) =>
      c.query(
        `INSERT INTO loan_snapshots (loan_id, snapshot_date, original_principal, principal_balance, interest_rate,
                                     term_months, days_past_due, delinquency_bucket, status)
         VALUES ($1, $2, 10000, 8000, 0.05, 36, 0, 'current', 'active')`,
        [loanA, `${month}-01`],
      ),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('every runtime pool logs in as a plain role: no superuser, BYPASSRLS, CREATEROLE or CREATEDB, owns no relation', async () => {
    for (const [name, ds] of pools) {
      const [me] = await onConnection(ds, (q) =>
        q(`SELECT current_user AS cur, session_user AS login, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication,
                  (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS owned
             FROM pg_roles r WHERE rolname = current_user`),
      );
      expect({ name, ...me }).toEqual({
        name,
        cur: RUNTIME,
        login: RUNTIME,
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        owned: 0,
      });
    }
  });

  it('RESET ROLE leaves a runtime connection where it was: still no tenant rows without an organization', async () => {
    for (const [name, ds] of pools) {
      const seen = await onConnection(ds, async (q) => {
        await q('RESET ROLE');
        const [me] = await q(`SELECT current_user AS cur, (SELECT count(*)::int FROM loans) AS loans,
                                     (SELECT count(*)::int FROM loan_snapshots) AS snapshots`);
        await q('SET ROLE NONE');
        const [again] = await q('SELECT count(*)::int AS loans FROM api_keys');
        return { name, ...me, keys: again.loans };
      });
      expect(seen).toEqual({ name, cur: RUNTIME, loans: 0, snapshots: 0, keys: 0 });
    }
  });

  it.each([
    ['SET ROLE to the owner', `SET ROLE "${owner}"`],
    ['SET ROLE postgres', 'SET ROLE postgres'],
    ['SET SESSION AUTHORIZATION', 'SET SESSION AUTHORIZATION postgres'],
    ['ALTER ROLE itself', `ALTER ROLE ${RUNTIME} BYPASSRLS`],
    ['turning row security off', `ALTER TABLE loans NO FORCE ROW LEVEL SECURITY`],
  ])('%s fails on a runtime connection', async (_what, sql) => {
    for (const [, ds] of pools) {
      await expect(onConnection(ds, (q) => q(sql))).rejects.toThrow(/permission denied|must be owner|must be superuser/);
    }
  });

  it('every role a runtime connection can become is no more privileged, and sees no rows without an organization', async () => {
    const ds = pools[0][1];
    const reachable = await onConnection(ds, (q) =>
      q(`SELECT rolname, rolsuper OR rolbypassrls OR rolcreaterole OR rolcreatedb OR rolreplication
                         OR EXISTS (SELECT FROM pg_class c WHERE c.relowner = r.oid) AS privileged
           FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER') ORDER BY rolname`),
    );
    expect(reachable).toEqual([
      { rolname: 'portfolio_app', privileged: false },
      { rolname: RUNTIME, privileged: false },
    ]);
    const asApp = await onConnection(ds, async (q) => {
      await q('SET ROLE portfolio_app');
      const [r] = await q('SELECT count(*)::int AS n FROM loans');
      await q('RESET ROLE');
      return r.n;
    });
    expect(asApp).toBe(0);
  });

  it('cannot create tables, touch the migration ledger, or read a snapshot partition past its parent', async () => {
    const ds = pools[0][1];
    await expect(onConnection(ds, (q) => q('CREATE TABLE public.pgrole_probe (x int)'))).rejects.toThrow(/permission denied/);
    await expect(onConnection(ds, (q) => q('CREATE SCHEMA pgrole_probe'))).rejects.toThrow(/permission denied/);
    await expect(onConnection(ds, (q) => q('UPDATE schema_migrations SET name = name WHERE false'))).rejects.toThrow(
      /permission denied/,
    );
    // Through the parent organization B sees none of A's snapshots; the partition itself is closed.
    const db = t.app.get(TenantDb);
    expect(await db.transaction(orgB, (m) => m.rows('SELECT count(*)::int AS n FROM loan_snapshots'))).toEqual([{ n: 0 }]);
    expect(await db.transaction(orgA, (m) => m.rows('SELECT count(*)::int AS n FROM loan_snapshots'))).toEqual([{ n: 1 }]);
    await expect(db.transaction(orgB, (m) => m.rows(`SELECT count(*)::int AS n FROM ${partition}`))).rejects.toThrow(/permission denied/);
  });

  it('a parallel helper process sees only the organization of the transaction that started it', async () => {
    const db = t.app.get(TenantDb);
    // Nothing in parallel unless a statement asks (options.ts).
    expect(await db.transaction(orgA, (m) => m.rows(`SELECT current_setting('max_parallel_workers_per_gather') AS n`))).toEqual([{ n: '0' }]);
    // A parallel plan even for one row, its rows read by the helpers alone (the leader reads none
    // unless no helper starts: then `launched` fails the test).
    const inHelper = (org: string) =>
      db.transaction(org, async (m) => {
        for (const s of ['max_parallel_workers_per_gather = 2', 'parallel_leader_participation = off', 'parallel_setup_cost = 0',
          'parallel_tuple_cost = 0', 'min_parallel_table_scan_size = 0']) await m.exec(`SET LOCAL ${s}`);
        const [plan] = await m.rows(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM loan_snapshots`);
        const [{ n }] = await m.rows<{ n: number }>(`SELECT count(*)::int AS n FROM loan_snapshots`);
        return { launched: Number(JSON.stringify(plan).match(/"Workers Launched":(\d+)/)?.[1] ?? 0) > 0, n };
      });
    expect(await inHelper(orgA)).toEqual({ launched: true, n: 1 });
    expect(await inHelper(orgB)).toEqual({ launched: true, n: 0 });
  });

  it('every tenant table and partition enables and forces row-level security', async () => {
    const tables = await asOwner(async (c) => {
      const { rows } = await c.query(
        `SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity AS forced
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
            AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)`,
      );
      return rows as { relname: string; forced: boolean }[];
    });
    expect(tables.length).toBeGreaterThan(20); // 19 tenant tables and the snapshot partitions
    expect(tables.filter((r) => !r.forced).map((r) => r.relname)).toEqual([]);
    // A partition made after migration (a snapshot run far in the future) is locked too.
    const made = await t.app.get(TenantDb).transaction(orgA, (m) => m.rows(`SELECT ensure_loan_snapshot_partitions('2099-01-01', '2099-01-01') AS n`));
    expect(made).toEqual([{ n: 1 }]);
    const [future] = await asOwner(async (c) => (await c.query(`SELECT relrowsecurity AND relforcerowsecurity AS forced, relacl FROM pg_class WHERE relname = 'loan_snapshots_2099_01'`)).rows);
    expect(future).toEqual({ forced: true, relacl: null });
  });

  it('the shared pool still authenticates API keys and lists schedules, through the definer functions only', async () => {
    const org = newOrg();
    const created = await t.http().post('/api-keys').set(bearer(tokenFor(t.config, org, 'owner'))).send({ name: 'lp', role: 'viewer' });
    expect(created.status).toBe(201);
    expect((await t.http().get('/loans').set('X-API-Key', created.body.key as string)).status).toBe(200);
    const shared = pools[1][1];
    await expect(shared.query('SELECT count(*)::int AS n FROM loan_tape_schedules()')).resolves.toEqual([{ n: expect.any(Number) }]);
    expect(await shared.query('SELECT count(*)::int AS n FROM api_keys')).toEqual([{ n: 0 }]);
  });

  it('ensuring the runtime role is idempotent and safe when many boots race (roles are cluster-wide)', async () => {
    const config = loadConfig();
    await expect(Promise.all(Array.from({ length: 6 }, () => asOwner((c) => ensureRuntimeRole(c, config))))).resolves.toHaveLength(6);
    const [role] = await asOwner(async (c) => (await c.query(
      `SELECT rolcanlogin, rolsuper, pg_has_role($1, 'portfolio_app', 'MEMBER') AS member FROM pg_roles WHERE rolname = $1`,
      [RUNTIME],
    )).rows);
    expect(role).toEqual({ rolcanlogin: true, rolsuper: false, member: true });
  });

  it('connects and stages imports in temporary tables through portfolio_app, not PUBLIC defaults', async () => {
    const db = new URL(process.env.DATABASE_URL as string).pathname.slice(1);
    await asOwner((c) => c.query(`REVOKE CONNECT, TEMPORARY ON DATABASE "${db}" FROM PUBLIC`));
    try {
      const pool = await openTenantPool(loadConfig());
      try {
        const staged = await onConnection(pool, async (q) => {
          await q('BEGIN');
          await q('CREATE TEMP TABLE pgrole_stage (x int) ON COMMIT DROP');
          await q('COMMIT');
          return 'staged';
        });
        expect(staged).toBe('staged');
      } finally {
        await pool.destroy();
      }
    } finally {
      await asOwner((c) => c.query(`GRANT CONNECT, TEMPORARY ON DATABASE "${db}" TO PUBLIC`));
    }
  });

  it('sets a configured password (any characters) on an existing role and strips attributes it must not have', async () => {
    const role = `pgrole_probe_${randomBytes(4).toString('hex')}`;
    const password = `it's $$ a \\ "pass" ${randomBytes(4).toString('hex')}`;
    await asOwner((c) => c.query(`CREATE ROLE ${role} NOLOGIN CREATEDB`));
    try {
      const config = loadConfig({ ...process.env, DATABASE_RUNTIME_USER: role, DATABASE_RUNTIME_PASSWORD: password });
      await asOwner((c) => ensureRuntimeRole(c, config));
      const [row] = await asOwner(async (c) => (await c.query(
        `SELECT rolcanlogin, rolcreatedb, rolpassword LIKE 'SCRAM-SHA-256$%' OR rolpassword LIKE 'md5%' AS hashed
           FROM pg_authid WHERE rolname = $1`,
        [role],
      )).rows);
      expect(row).toEqual({ rolcanlogin: true, rolcreatedb: false, hashed: true });
    } finally {
      await asOwner((c) => c.query(`DROP ROLE ${role}`));
    }
  });

  it.each([
    ['may create databases', (r: string) => `CREATE ROLE ${r} LOGIN CREATEDB`],
    ['can SET ROLE to the owner', (r: string) => `CREATE ROLE ${r} LOGIN; GRANT "${owner}" TO ${r}`],
    ['may write server files', (r: string) => `CREATE ROLE ${r} LOGIN; GRANT pg_write_server_files TO ${r}`],
    ['owns a schema', (r: string) => `CREATE ROLE ${r} LOGIN; CREATE SCHEMA ${r} AUTHORIZATION ${r}`],
    ['may create tables in public', (r: string) => `CREATE ROLE ${r} LOGIN; GRANT CREATE ON SCHEMA public TO ${r}`],
  ])('the app refuses to open its pool on a runtime role that %s', async (_what, ddl) => {
    const role = `pgrole_probe_${randomBytes(4).toString('hex')}`;
    await asOwner((c) => c.query(ddl(role)));
    try {
      await expect(openTenantPool(loadConfig({ ...process.env, DATABASE_RUNTIME_USER: role }))).rejects.toThrow(/too privileged/);
    } finally {
      await asOwner((c) => c.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`));
    }
  });

  it('with an owner that is neither superuser nor BYPASSRLS, FORCE binds the owner and the definer doors still open', async () => {
    const suffix = randomBytes(4).toString('hex');
    const plain = `pgrole_owner_${suffix}`;
    const dbName = `portfolio_test_pgrole_${suffix}`;
    await asOwner(async (c) => {
      await c.query(`CREATE ROLE ${plain} LOGIN CREATEROLE`);
      await c.query(`CREATE DATABASE ${dbName} OWNER ${plain}`);
    });
    const url = withDatabase(dbName, plain);
    let t2: TestApp | undefined;
    try {
      await migrate(loadConfig({ ...process.env, DATABASE_URL: url }));
      t2 = await startApp({ ...apiOnly(), DATABASE_URL: url });
      const org = newOrg();
      const created = await t2.http().post('/api-keys').set(bearer(tokenFor(t2.config, org, 'owner'))).send({ name: 'p', role: 'viewer' });
      expect(created.status).toBe(201);
      // api_key_identity runs as the plain owner under FORCE: it must still find the key.
      expect((await t2.http().get('/loans').set('X-API-Key', created.body.key as string)).status).toBe(200);
      // So does loan_tape_schedules, which the worker boot uses to re-register every schedule.
      const config = { name: 'nightly', format: 'csv', columns: ['loan_number'], schedule: 'daily', schedule_hour: 6 };
      expect((await t2.http().post('/loan-tape-configs').set(bearer(tokenFor(t2.config, org))).send(config)).status).toBe(201);
      expect(await t2.app.get(TenantDb).unscoped.query('SELECT organization_id FROM loan_tape_schedules()')).toEqual([
        { organization_id: org },
      ]);
      const seen = await asOwner(async (c) => {
        const plainRead = async () => (await c.query('SELECT (SELECT count(*)::int FROM api_keys) AS keys, (SELECT count(*)::int FROM loans) AS loans')).rows[0];
        const before = await plainRead();
        await c.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
        return { withoutOrg: before, withOrg: await plainRead() };
      }, url);
      // Logged in as the owner, without an organization nothing shows: FORCE holds for it too.
      expect(seen).toEqual({ withoutOrg: { keys: 0, loans: 0 }, withOrg: { keys: 1, loans: 0 } });
    } finally {
      await t2?.close();
      await asOwner(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${plain}`);
      });
    }
  });
});
