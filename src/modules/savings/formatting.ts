import { Big, formatRate } from '../../common/money/decimal';

/**
 * Savings-side wire values. Money is computed and stored as decimals; the only place it
 * becomes a JSON number (as Flagstone sends it) is here, after rounding to 2 decimals.
 */
export function toJsonMoney(v: string | Big): number;
export function toJsonMoney(v: string | Big | null | undefined): number | null;
export function toJsonMoney(v: string | Big | null | undefined): number | null {
  if (v === null || v === undefined) return null;
  return Number(new Big(v).toFixed(2, Big.roundHalfUp));
}

/** Rates go out as numbers too (0.045), half-up to 6 decimals. */
export function toJsonRate(v: string | null | undefined): number | null {
  const text = formatRate(v ?? null);
  return text === null ? null : Number(text);
}

const SQL_UTC = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;

/**
 * SQL selects timestamps as `to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
 * Flagstone shows seven fractional digits and an explicit offset: `2025-10-01T16:00:00.0000000+00:00`.
 */
export function flagstoneTimestamp(utc: string | null | undefined): string | null {
  if (utc === null || utc === undefined) return null;
  const m = SQL_UTC.exec(utc);
  if (!m) throw new Error(`not a UTC timestamp: ${utc}`);
  const fraction = (m[3] ?? '').padEnd(7, '0');
  return `${m[1]}T${m[2]}.${fraction}+00:00`;
}

/** The SQL expression that feeds flagstoneTimestamp. */
export const utcText = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;

/**
 * If-Modified-Since as an HTTP-date or ISO-8601; anything unparsable is ignored (undefined),
 * as HTTP says an invalid date must be.
 */
export function parseIfModifiedSince(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const v = header.trim();
  const looksIso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(v);
  const looksHttp = /^[A-Za-z]{3},? /.test(v);
  if (!looksIso && !looksHttp) return undefined;
  // An ISO value without an offset is UTC here, as every time on the savings side is.
  const ms = Date.parse(looksIso && /T/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(v) ? `${v}Z` : v);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000) * 1000;
}

/** Last-Modified has whole seconds; a resource changed at 12:00:00.7 is "modified at 12:00:00". */
export function notModified(lastModifiedMs: number, ifModifiedSinceMs: number | undefined): boolean {
  return ifModifiedSinceMs !== undefined && ifModifiedSinceMs >= Math.floor(lastModifiedMs / 1000) * 1000;
}

/**
 * An instruction's amount in SQL (alias `i`): a close has none until it settles, so until then
 * it shows the account's balance, which is what it will withdraw if nothing else settles first.
 */
export const instructionAmountSql = `coalesce(i.amount, (SELECT x.amount FROM savings_accounts x
   WHERE x.organization_id = i.organization_id AND x.id = i.account_id))::text`;
