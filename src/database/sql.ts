import type { PoolClient, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The one handle services get for SQL: a connection that `TenantDb` has already scoped to an
 * organization (and, for `run`/`withClient`, put in a transaction). Plain pg underneath, so a
 * reviewer reads exactly the statement that runs; TypeORM stays for the DataSource and
 * migrations only.
 */
export class Sql {
  constructor(readonly client: PoolClient) {}

  /** The rows of any statement, including UPDATE/DELETE … RETURNING. */
  async rows<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query<QueryResultRow>(text, params)).rows as T[];
  }

  async one<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.rows<T>(text, params))[0];
  }

  /** A statement run for its effect: how many rows it touched. */
  async exec(text: string, params: unknown[] = []): Promise<number> {
    return (await this.client.query(text, params)).rowCount ?? 0;
  }
}

/** What every change of a versioned row also sets (a SET-list fragment). */
export const BUMP_VERSION = 'version = version + 1, updated_at = now()';

/**
 * `a = $n, b = $n+1, …, version = version + 1, updated_at = now()` for the defined keys of
 * `patch`: the SET list of a versioned partial update. Keys come from DTO classes
 * (whitelisted), never from raw input, so they are safe to splice into SQL.
 */
function setClause(patch: Record<string, unknown>, firstParam: number): { sql: string; params: unknown[] } {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  const sets = entries.map(([k], i) => `${k} = $${firstParam + i}`);
  return { sql: [...sets, BUMP_VERSION].join(', '), params: entries.map(([, v]) => v) };
}

/**
 * A Sql handle on a connection of `ds` (the shared pool: no organization, so no tenant rows),
 * for the few tables outside tenancy.
 */
export async function withSql<T>(ds: DataSource, work: (sql: Sql) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  try {
    return await work(new Sql((await runner.connect()) as PoolClient));
  } finally {
    await runner.release();
  }
}

/**
 * The versioned partial update every PUT/PATCH does: the defined keys of `patch`, plus
 * `alsoSet` (a fixed SQL fragment such as `terminated_at = now()`), on the row `id`.
 * `table`, `returning` and the keys are the caller's constants, never input.
 */
export async function updateVersioned<T>(m: Sql, table: string, id: string, patch: Record<string, unknown>, returning: string, alsoSet = ''): Promise<T> {
  const set = setClause(patch, 2);
  const extra = alsoSet ? `, ${alsoSet}` : '';
  return (await m.one<T>(`UPDATE ${table} SET ${set.sql}${extra} WHERE id = $1 RETURNING ${returning}`, [id, ...set.params])) as T;
}

/**
 * The first n of `params` for a statement that refers to $1 … $n: statements of one sequence
 * share a parameter list, and Postgres refuses a parameter a statement never mentions.
 */
export function paramsFor(statement: string, params: unknown[]): unknown[] {
  const used = Math.max(0, ...[...statement.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  return params.slice(0, used);
}
