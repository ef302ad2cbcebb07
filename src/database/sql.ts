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
