import { createHash } from 'node:crypto';
import { Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import type { XlsxKind } from '../../common/xlsx/xlsx-cells';
import { XlsxValue, XlsxWriter } from '../../common/xlsx/xlsx-writer';
import { tapeColumn, TapeColumnType } from './tape-columns';
import { jsonKeys, jsonLine, TapeFailure, TapeFormat, xlsxRowLimitProblem } from './tape-rules';

export interface WriteResult {
  rows: number;
  bytes: number;
  sha256: string;
}

/** Rows written so far; the generator reads it on a timer to report progress. */
export interface Meter {
  rows: number;
}

/** Hashes and counts the bytes on their way to storage. */
class Digest extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly onChunk?: (chunk: Buffer) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onChunk?.(chunk);
    cb(null, chunk);
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}

/** CSV straight out of Postgres: COPY renders RFC 4180 quoting, the SQL has already formatted every value. */
async function writeCsv(client: PoolClient, sql: string, out: Writable, meter: Meter): Promise<WriteResult> {
  const copy = client.query(copyTo(`COPY (${sql}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')`));
  // Newlines approximate rows for progress only (a quoted value may hold one); the count is COPY's.
  const digest = new Digest((chunk) => (meter.rows += countNewlines(chunk)));
  try {
    await pipeline(copy, digest, out);
  } catch (err) {
    // A COPY cut short leaves its connection mid-protocol; closing it keeps it out of the pool.
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    throw err;
  }
  return { rows: copy.rowCount, bytes: digest.bytes, sha256: digest.hex() };
}

const cursor = (client: PoolClient, sql: string): Readable =>
  client.query(new QueryStream(sql, [], { rowMode: 'array', batchSize: 2000, highWaterMark: 2000 }));

/** Lines are gathered into ~64 KB chunks so the file is written in a few large writes. */
function jsonLines(columns: string[], meter: Meter): Transform {
  const keys = jsonKeys(columns);
  let pending = '';
  return new Transform({
    writableObjectMode: true,
    transform(row: unknown[], _enc, cb) {
      meter.rows++;
      pending += jsonLine(keys, row);
      if (pending.length < 65_536) return cb();
      const chunk = pending;
      pending = '';
      cb(null, Buffer.from(chunk, 'utf8'));
    },
    flush(cb) {
      cb(null, pending ? Buffer.from(pending, 'utf8') : null);
    },
  });
}

async function writeJsonLines(client: PoolClient, sql: string, columns: string[], out: Writable, meter: Meter): Promise<WriteResult> {
  const digest = new Digest();
  await pipeline(cursor(client, sql), jsonLines(columns, meter), digest, out);
  return { rows: meter.rows, bytes: digest.bytes, sha256: digest.hex() };
}

const XLSX_KIND: Record<TapeColumnType, XlsxKind> = {
  uuid: 'text',
  string: 'text',
  enum: 'text',
  date: 'date',
  datetime: 'datetime',
  money: 'number',
  decimal: 'number',
  rate: 'number',
  integer: 'integer',
};
// Rates keep up to their 6 decimals on screen; money and percentages show 2 with separators.
const XLSX_FORMAT: Partial<Record<TapeColumnType, string>> = { rate: '0.000000', decimal: '0.00' };

/** Money, rates and dates become numeric and date cells, written from the SQL's decimal text. */
async function writeXlsx(client: PoolClient, sql: string, columns: string[], out: Writable, meter: Meter): Promise<WriteResult> {
  const digest = new Digest();
  const fileDone = pipeline(digest, out);
  fileDone.catch(() => undefined);
  const xlsx = new XlsxWriter(digest);
  try {
    const sheet = xlsx.addSheet(
      'Loan tape',
      columns.map((name) => {
        const type = tapeColumn(name).type;
        return { header: name, kind: XLSX_KIND[type], format: XLSX_FORMAT[type], width: type === 'uuid' ? 38 : undefined };
      }),
    );
    for await (const row of cursor(client, sql)) {
      const problem = xlsxRowLimitProblem(meter.rows + 1);
      if (problem) throw new TapeFailure(problem);
      await sheet.add(row as XlsxValue[]);
      meter.rows++;
    }
    await sheet.end();
    await xlsx.finish();
    await fileDone;
  } catch (err) {
    xlsx.abort(err as Error);
    digest.destroy(err as Error);
    await fileDone.catch(() => undefined);
    throw err;
  }
  return { rows: meter.rows, bytes: digest.bytes, sha256: digest.hex() };
}

/** Streams the query's rows in the tape's format into `out`, which it ends. */
export function writeTape(
  format: TapeFormat,
  client: PoolClient,
  sql: string,
  columns: string[],
  out: Writable,
  meter: Meter,
): Promise<WriteResult> {
  switch (format) {
    case 'csv':
      return writeCsv(client, sql, out, meter);
    case 'json':
      return writeJsonLines(client, sql, columns, out, meter);
    case 'xlsx':
      return writeXlsx(client, sql, columns, out, meter);
  }
}
