/** Only the keys whose values differ from `before`. */
export function differing<T extends Record<string, unknown>>(before: Record<string, unknown>, patch: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v !== undefined && JSON.stringify(before[k]) !== JSON.stringify(v)) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
