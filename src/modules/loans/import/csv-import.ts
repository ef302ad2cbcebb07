import { Inject, Injectable } from '@nestjs/common';
import { CsvError } from 'csv-parse';
import { createReadStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Actor } from '../../../common/auth/actor';
import { PerKeyLimit } from '../../../common/concurrency/per-key-limit';
import { Semaphore } from '../../../common/concurrency/semaphore';
import type { FastifyRequest } from 'fastify';
import { unsupportedMediaType } from '../../../common/errors/common.errors';
import { isStream } from '../../../common/idempotency/body-digest';
import { APP_CONFIG, AppConfig } from '../../../config/env';
import { Sql } from '../../../database/sql';
import { importsInProgress } from '../../../ops/metrics';
import { importRejected, tooManyImports } from '../loans.errors';
import { csvToCopy, MAX_IMPORT_ERRORS, Rejected } from './csv-to-copy';
import type { CsvSchema, ImportHeader } from './import-columns';
import { BadBytes, Spooled, spoolBody } from './spool';

/** An import of 1 000 000 rows takes about half a minute; a few seconds is a fair first retry. */
const RETRY_AFTER_SECONDS = 5;

/** The temporary table `table` (dropped at commit) that `schema`'s rows are staged in, each with its file line. */
export function stageTableSql<C extends string>(schema: CsvSchema<C>, table: string): string {
  const types = schema.columns.map((c) => `${c} ${schema.types[c]}`).join(', ');
  return `CREATE TEMP TABLE ${table} (line integer NOT NULL, ${types}) ON COMMIT DROP`;
}

/** The streamed text/csv body of an import route, or 415. */
export function csvBody(req: FastifyRequest): Readable {
  if (!isStream(req.body)) {
    throw unsupportedMediaType(`${req.method} ${req.url.split('?')[0]} takes a text/csv body`, [
      { field: 'Content-Type', message: 'must be text/csv' },
    ]);
  }
  return req.body;
}

/**
 * Once the whole body is spooled the socket idles while the rows are written, for as long as
 * that takes (a first history import of years of month-ends: minutes). The connection timeout
 * (HTTP_CONNECTION_TIMEOUT_MS) is for clients that stop sending, which the upload's own
 * limits already cover (IMPORT_BODY_IDLE_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS), so it is lifted
 * from this socket; each statement stays bounded by IMPORT_STATEMENT_TIMEOUT_MS, and Node sets
 * the keep-alive timeout again once the answer is sent.
 */
function keepSocketThroughWork(body: Readable): void {
  (body as Partial<IncomingMessage>).socket?.setTimeout(0);
}

/** 422 naming every line whose `key` repeats an earlier line of the staged file. */
export async function rejectRepeats(m: Sql, table: string, key: string[]): Promise<void> {
  const cols = key.join(', ');
  // The repeated keys first, by a plain count over every row; only their lines are gathered
  // (a key column is never empty: each is required).
  const repeats = await m.rows<{ key: string[]; lines: number[] }>(`WITH r AS (
        SELECT ${cols}, min(line) AS first FROM ${table} GROUP BY ${cols} HAVING count(*) > 1 ORDER BY min(line) LIMIT ${MAX_IMPORT_ERRORS}
      )
      SELECT ARRAY[${key.map((k) => `r.${k}::text`).join(', ')}] AS key, array_agg(t.line ORDER BY t.line) AS lines
        FROM r JOIN ${table} t USING (${cols}) GROUP BY ${key.map((k) => `r.${k}`).join(', ')}, r.first ORDER BY r.first`,
  );
  if (repeats.length) {
    throw importRejected(
      repeats.flatMap((r) => r.lines.slice(1).map((line) => ({ line, field: key[0], message: `${r.key.join(' on ')} repeats line ${r.lines[0]}` }))),
    );
  }
}

/**
 * §11: recoveries never exceed charge-offs. `join`, when given, brings the stored loan as `l`
 * (a staged row without the column keeps the loan's value; a new loan's is 0); without it a
 * missing column is 0.
 */
export async function rejectLossRule(m: Sql, table: string, columns: string[], join = '', params: unknown[] = []): Promise<void> {
  const hasCharged = columns.includes('charged_off_amount');
  const hasRecovered = columns.includes('recovered_amount');
  if (!hasCharged && !hasRecovered) return;
  const stored = (c: string) => (join ? `coalesce(l.${c}, 0)` : '0');
  const charged = hasCharged ? 's.charged_off_amount' : stored('charged_off_amount');
  const recovered = hasRecovered ? 's.recovered_amount' : stored('recovered_amount');
  const broken = await m.rows<{ line: number; charged: string }>(`SELECT s.line, ${charged}::text AS charged FROM ${table} s ${join}
      WHERE ${recovered} > ${charged} ORDER BY s.line LIMIT ${MAX_IMPORT_ERRORS}`,
    params,
  );
  if (broken.length) {
    throw importRejected(broken.map((b) => ({ line: b.line, field: 'recovered_amount', message: `must not exceed charged_off_amount (${b.charged})` })));
  }
}

export interface Staged<C extends string> {
  header: ImportHeader<C>;
  rows: number;
}

/**
 * What every CSV import shares (`POST /loans/import`, `POST /loan-snapshots/import`): the
 * per-organization cap, the body spooled to a temporary file before any connection is taken
 * (however slowly a client uploads), a bounded number of loads at once, and the stream from
 * the file through csv-parse and the schema's row checks into `COPY` into a temporary table
 * (RLS does not allow COPY into tenant tables, and a temporary table has none).
 * One instance serves both imports, so their caps are shared.
 */
@Injectable()
export class CsvImportRunner {
  private readonly running: PerKeyLimit;
  private readonly loading: Semaphore;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.running = new PerKeyLimit(config.importMaxConcurrentPerOrg);
    this.loading = new Semaphore(config.importMaxLoading);
  }

  /** Spools `body`, then runs `load` on the file once a loading place is free; removes the file after. */
  async spoolThenLoad<T>(actor: Actor, body: Readable, declaredBytes: string | undefined, load: (file: Spooled) => Promise<T>): Promise<T> {
    const release = this.running.tryTake(actor.org);
    if (!release) {
      throw tooManyImports(this.config.importMaxConcurrentPerOrg, RETRY_AFTER_SECONDS);
    }
    importsInProgress.inc();
    try {
      const file = await this.spool(body, declaredBytes);
      keepSocketThroughWork(body);
      try {
        // Imports that arrived together wait here, not in the pool, which keeps room for requests.
        return await this.loading.use(() => load(file));
      } finally {
        await file.remove();
      }
    } finally {
      importsInProgress.dec();
      release();
    }
  }

  private async spool(body: Readable, declaredBytes?: string): Promise<Spooled> {
    const c = this.config;
    try {
      return await spoolBody(body, { maxBytes: c.importMaxBytes, maxLineBytes: c.importMaxRecordBytes, idleMs: c.importBodyIdleTimeoutMs, dir: c.importSpoolDir }, declaredBytes);
    } catch (err) {
      if (err instanceof BadBytes) throw importRejected([{ line: err.problem.line, field: 'csv', message: err.problem.message }]);
      throw err;
    }
  }

  /** Streams the spooled file into a new temporary table `table` (dropped at commit); throws 422 with line-numbered errors. */
  async stage<C extends string>(client: PoolClient, file: Spooled, schema: CsvSchema<C>, table: string): Promise<Staged<C>> {
    await client.query(stageTableSql(schema, table));
    const csv = csvToCopy({ maxRecordBytes: this.config.importMaxRecordBytes, schema });
    const copy = client.query(copyFrom(`COPY ${table} (line, ${schema.columns.join(', ')}) FROM STDIN`));
    try {
      await pipeline(createReadStream(file.path) as Readable, csv.stream, copy);
    } catch (err) {
      if (err instanceof CsvError) {
        csv.errors.push({ line: csv.line(), field: 'csv', message: err.message.replace(/ at line \d+/, '') });
      } else if (!(err instanceof Rejected)) {
        throw err;
      }
    }
    if (csv.errors.length) throw importRejected(csv.errors);
    const header = csv.header();
    if (!header) throw importRejected([{ line: 1, field: 'header', message: 'the file is empty: a header row is required' }]);
    return { header, rows: csv.rows() };
  }
}
