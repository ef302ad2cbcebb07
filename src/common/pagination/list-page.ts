import type { FastifyRequest } from 'fastify';
import type { Sql } from '../../database/sql';
import type { Where } from '../../database/where';
import { cursorPageOf, CursorPageQuery, offsetOf, Page, pageOf, PageQuery } from './pagination';

/** A list's statement: `SELECT columns FROM from WHERE where ORDER BY orderBy`. */
export interface ListSource {
  columns: string;
  /** A table, or a table and its joins. */
  from: string;
  where: Where;
  /** Must end in a unique key, so pages neither repeat nor skip rows. */
  orderBy: string;
  /** What the count reads when the joins in `from` only add columns (they never change how many rows). */
  countFrom?: string;
  /** A cheaper count of the same rows (a kept counter) than count(*). */
  counted?: () => Promise<number>;
}

/** How many rows match, and the `limit` of them after `offset`. */
export async function countedRows<R>(sql: Sql, list: ListSource, limit: number, offset: number): Promise<{ count: number; rows: R[] }> {
  const { where } = list;
  const n = where.params.length;
  const count = list.counted
    ? await list.counted()
    : (await sql.rows<{ count: number }>(`SELECT count(*)::int AS count FROM ${list.countFrom ?? list.from} WHERE ${where.sql}`, where.params))[0].count;
  const rows = await sql.rows<R>(`SELECT ${list.columns} FROM ${list.from} WHERE ${where.sql} ORDER BY ${list.orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...where.params, limit, offset],
  );
  return { count, rows };
}

/** One numbered page of a list in the §2 envelope (`count`, `next`, `previous`, `results`). */
export async function listPage<R, V>(sql: Sql, req: FastifyRequest, q: PageQuery, list: ListSource, view: (r: R) => V): Promise<Page<V>> {
  const { count, rows } = await countedRows<R>(sql, list, q.page_size, offsetOf(q));
  return pageOf(req, q, count, rows.map(view));
}

/**
 * One keyset page: the caller has put "after the cursor" into `where`; one row more than the page
 * says whether another follows, and `keyOf` its last row is the next cursor.
 */
export async function keysetPage<R, V>(
  sql: Sql,
  req: FastifyRequest,
  q: CursorPageQuery,
  list: ListSource,
  view: (r: R) => V,
  keyOf: (last: R) => unknown[],
): Promise<Page<V>> {
  const { where } = list;
  const found = await sql.rows<R>(`SELECT ${list.columns} FROM ${list.from} WHERE ${where.sql} ORDER BY ${list.orderBy} LIMIT $${where.params.length + 1}`,
    [...where.params, q.page_size + 1],
  );
  const page = found.slice(0, q.page_size);
  return cursorPageOf(req, q, page.map(view), found.length > q.page_size ? keyOf(page[page.length - 1]) : null);
}
