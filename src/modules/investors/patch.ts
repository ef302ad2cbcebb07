/**
 * `SET a = $n, b = $n+1, …, version = version + 1, updated_at = now()` for the defined keys of
 * `patch`. Keys come from DTO classes (whitelisted), never from raw input, so they are safe to
 * splice into SQL.
 */
export function setClause(patch: Record<string, unknown>, firstParam: number): { sql: string; params: unknown[] } {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  const sets = entries.map(([k], i) => `${k} = $${firstParam + i}`);
  return { sql: [...sets, 'version = version + 1', 'updated_at = now()'].join(', '), params: entries.map(([, v]) => v) };
}

/** Only the keys whose values differ from `before`. */
export function differing<T extends Record<string, unknown>>(before: Record<string, unknown>, patch: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined && JSON.stringify(before[k]) !== JSON.stringify(v)) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
