/** Pure rules of loan tapes: month arithmetic, format limits, schedules, file names. */

export type TapeFormat = 'csv' | 'xlsx' | 'json';
export type TapeSchedule = 'none' | 'daily' | 'weekly' | 'monthly';

export const TAPE_FORMATS: TapeFormat[] = ['csv', 'xlsx', 'json'];
export const TAPE_SCHEDULES: TapeSchedule[] = ['none', 'daily', 'weekly', 'monthly'];
export const DEFAULT_SCHEDULE_HOUR = 6;

/** year × 12 + month of a YYYY-MM-DD date: months between two dates are a subtraction. */
export function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7));
}

/** Whole months from the origination month to the as-of month; 0 for a loan originated later. */
export function monthsOnBook(originationDate: string, asOf: string): number {
  return Math.max(monthIndex(asOf) - monthIndex(originationDate), 0);
}

export function remainingTermMonths(termMonths: number, mob: number): number {
  return Math.max(termMonths - mob, 0);
}

/** Excel's sheet limit, header row included. */
export const XLSX_MAX_ROWS = 1_048_576;

/** The reason an XLSX tape of `dataRows` loans cannot be written, or null when it fits. */
export function xlsxRowLimitProblem(dataRows: number): string | null {
  const total = dataRows + 1;
  return total > XLSX_MAX_ROWS
    ? `An XLSX sheet holds at most ${XLSX_MAX_ROWS} rows including the header; this tape needs ${total}. Use csv or json for tapes this large.`
    : null;
}

/**
 * UTC cron of a schedule: daily at the hour, weekly on Mondays, monthly on the 1st.
 * Null for `none`.
 */
export function scheduleCron(schedule: TapeSchedule, hour: number): string | null {
  switch (schedule) {
    case 'none':
      return null;
    case 'daily':
      return `0 ${hour} * * *`;
    case 'weekly':
      return `0 ${hour} * * 1`;
    case 'monthly':
      return `0 ${hour} 1 * *`;
  }
}

/** BullMQ rejects ':' in ids; a config's scheduler id is derived from its id alone. */
export const schedulerId = (configId: string) => `tape-${configId}`;
export const configIdOfScheduler = (id: string): string | null => (/^tape-([0-9a-f-]{36})$/.exec(id)?.[1] ?? null);

export const EXTENSIONS: Record<TapeFormat, string> = { csv: 'csv', xlsx: 'xlsx', json: 'jsonl' };

export const CONTENT_TYPES: Record<TapeFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/x-ndjson',
};

/** Where a tape's file lives: generated from ids only, never from anything a caller sent. */
export const storageKey = (org: string, tapeId: string, format: TapeFormat) =>
  `${org.toLowerCase()}/${tapeId.toLowerCase()}.${EXTENSIONS[format]}`;

/**
 * The download name: the config name reduced to [a-z0-9-], the as-of date and the tape id's
 * first block, so it is safe in a Content-Disposition header and on any file system.
 */
export function tapeFileName(configName: string, asOf: string, tapeId: string, format: TapeFormat): string {
  const slug =
    configName
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'loan-tape';
  return `${slug}-${asOf}-${tapeId.slice(0, 8)}.${EXTENSIONS[format]}`;
}

/** Column names as JSON keys, encoded once per tape rather than once per row. */
export const jsonKeys = (names: readonly string[]) => names.map((n) => JSON.stringify(n));

/** One JSON Lines record from `jsonKeys` output and a row's values; null for a missing value. */
export function jsonLine(keys: readonly string[], values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i) out += ',';
    out += keys[i] + ':' + JSON.stringify(values[i] ?? null);
  }
  return out + '}\n';
}

/** A generation that cannot succeed on retry (no snapshots, too many rows): the tape fails at once. */
export class TapeFailure extends Error {}
