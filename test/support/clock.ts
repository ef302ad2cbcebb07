const DAY_MS = 86_400_000;

/**
 * Waits out the last `marginMs` of a UTC day, so a file that works out "today" once and has the
 * server work it out again later sees one date (CI starts at any hour, midnight included).
 */
export async function awayFromUtcMidnight(marginMs: number): Promise<void> {
  const left = DAY_MS - (Date.now() % DAY_MS);
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 1_000));
}
