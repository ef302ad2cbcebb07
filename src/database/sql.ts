import type { EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows, whatever the statement. (TypeORM's `query()` returns
 * `[rows, affected]` for UPDATE and DELETE, which silently breaks `rows.length` checks.)
 */
export async function rows<T = Record<string, unknown>>(m: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    const res = await runner.query(text, params, true);
    return (res as { records: T[] }).records;
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

export async function one<T = Record<string, unknown>>(m: EntityManager, text: string, params: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(m, text, params))[0];
}

/**
 * `a = $n, b = $n+1, …, version = version + 1, updated_at = now()` for the defined keys of
 * `patch`: the SET list of a versioned partial update. Keys come from DTO classes
 * (whitelisted), never from raw input, so they are safe to splice into SQL.
 */
export function setClause(patch: Record<string, unknown>, firstParam: number): { sql: string; params: unknown[] } {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  const sets = entries.map(([k], i) => `${k} = $${firstParam + i}`);
  return { sql: [...sets, 'version = version + 1', 'updated_at = now()'].join(', '), params: entries.map(([, v]) => v) };
}
