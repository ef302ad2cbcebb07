import { Injectable, Logger } from '@nestjs/common';
import { CsvError } from 'csv-parse';
import type { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';
import { recordAudit } from '../../../common/audit/audit';
import type { Actor } from '../../../common/auth/actor';
import { FieldError, unprocessable } from '../../../common/errors/domain-error';
import { rows } from '../../../database/sql';
import { TenantDb } from '../../../database/tenant-db';
import { JobProducer } from '../../../jobs/job-producer';
import { csvToCopy, MAX_IMPORT_ERRORS, Rejected } from './csv-to-copy';
import { COLUMN_TYPES, IMPORT_COLUMNS, ImportHeader } from './import-columns';

const STAGE = 'loan_import_stage';

export interface ImportResult {
  inserted: number;
  updated: number;
}

const rejected = (errors: FieldError[]) =>
  unprocessable(
    'import-rejected',
    `The file was rejected and nothing was written: ${errors.length}${errors.length >= MAX_IMPORT_ERRORS ? '+' : ''} problem(s)`,
    errors.slice(0, MAX_IMPORT_ERRORS),
  );

/**
 * `POST /loans/import`: the CSV streams through csv-parse and a row check into `COPY` into a
 * temporary staging table (RLS does not allow COPY into `loans`, and a temporary table has
 * none), then one set-based upsert moves it into `loans`. One transaction: all or nothing.
 */
@Injectable()
export class LoanImportService {
  private readonly logger = new Logger(LoanImportService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly producer: JobProducer,
  ) {}

  async import(actor: Actor, body: Readable): Promise<ImportResult> {
    const t0 = Date.now();
    let stagedMs = 0;
    const { result, followUp } = await this.db.withClient(actor.org, async (client, m) => {
      const staged = await this.stage(client, body);
      stagedMs = Date.now() - t0;
      const counts = await this.upsert(m, actor, staged);
      // Committed with the loans: dynamic portfolios will see them even if this process dies now.
      const job = counts.inserted + counts.updated > 0
        ? await this.producer.record(m, 'auto-assign', 'auto-assign-dynamic', actor, {}, { dedupKey: 'dynamic' })
        : undefined;
      return { result: counts, followUp: job };
    });
    this.logger.log({ ...result, staged_ms: stagedMs, total_ms: Date.now() - t0, request_id: actor.requestId }, 'loan import committed');
    if (followUp) {
      try {
        await this.producer.submit(followUp, { keepOnFailure: true });
      } catch (err) {
        // The import is committed and so is its follow-up's record: the reconciler adds it later.
        this.logger.warn({ err: (err as Error).message, request_id: actor.requestId }, 'post-import auto-assign left to the reconciler');
      }
    }
    return result;
  }

  /** Streams the file into the staging table; throws 422 with line-numbered errors. */
  private async stage(client: PoolClient, body: Readable): Promise<{ header: ImportHeader; rows: number }> {
    const types = IMPORT_COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`).join(', ');
    await client.query(`CREATE TEMP TABLE ${STAGE} (line integer NOT NULL, ${types}) ON COMMIT DROP`);
    const csv = csvToCopy();
    const parser = csv.stream;
    const copy = client.query(copyFrom(`COPY ${STAGE} (line, ${IMPORT_COLUMNS.join(', ')}) FROM STDIN`));
    // The request is piped rather than put in the pipeline: on failure the pipeline would
    // destroy it (and its socket), and the caller would never see the 422.
    body.on('error', (err) => parser.destroy(err));
    // A client that hangs up mid-file must not leave the transaction waiting for the rest.
    body.on('close', () => {
      if (!body.readableEnded) parser.destroy(new Error('the request ended before the file did'));
    });
    body.pipe(parser);
    try {
      await pipeline(parser, copy);
    } catch (err) {
      body.unpipe(parser);
      body.resume();
      await finished(body).catch(() => undefined);
      if (err instanceof CsvError) {
        csv.errors.push({ line: csv.line(), field: 'csv', message: err.message.replace(/ at line \d+/, '') });
      } else if (!(err instanceof Rejected)) {
        throw err;
      }
    }
    if (csv.errors.length) throw rejected(csv.errors);
    const header = csv.header();
    if (!header) throw rejected([{ line: 1, field: 'header', message: 'the file is empty: a header row is required' }]);
    return { header, rows: csv.rows() };
  }

  private async upsert(m: EntityManager, actor: Actor, { header: h, rows: fileRows }: { header: ImportHeader; rows: number }): Promise<ImportResult> {
    await this.checkStaged(m, actor.org, h);
    const cols = h.columns.join(', ');
    const mutable = h.columns.filter((c) => c !== 'loan_number');
    // Only the file's columns are written on update, so a column it lacks keeps its stored
    // value; the WHERE leaves identical rows untouched, so they count in neither figure.
    const [counts] = await rows<ImportResult>(
      m,
      `WITH up AS (
         INSERT INTO loans (organization_id, ${cols})
         SELECT $1, ${cols} FROM ${STAGE}
         ON CONFLICT (organization_id, loan_number) DO UPDATE
            SET ${mutable.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, version = loans.version + 1, updated_at = now()
          WHERE (${mutable.map((c) => `loans.${c}`).join(', ')}) IS DISTINCT FROM (${mutable.map((c) => `EXCLUDED.${c}`).join(', ')})
         RETURNING xmax = 0 AS inserted)
       SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM up`,
      [actor.org],
    );
    await recordAudit(m, actor, {
      action: 'loan.import',
      resourceType: 'loan',
      details: { inserted: counts.inserted, updated: counts.updated, unchanged: fileRows - counts.inserted - counts.updated, columns: h.columns },
    });
    return { inserted: counts.inserted, updated: counts.updated };
  }

  /** Rules that need the whole file or the stored loans: repeated loan numbers, paid_off on update. */
  private async checkStaged(m: EntityManager, org: string, h: ImportHeader): Promise<void> {
    // A million loan numbers sort in memory instead of spilling to disk (this transaction only).
    await m.query(`SET LOCAL work_mem = '128MB'`);
    const repeats = await rows<{ loan_number: string; lines: number[] }>(
      m,
      `SELECT loan_number, array_agg(line ORDER BY line) AS lines FROM ${STAGE}
        GROUP BY loan_number HAVING count(*) > 1 ORDER BY min(line) LIMIT ${MAX_IMPORT_ERRORS}`,
    );
    if (repeats.length) {
      const errors = repeats.flatMap((r) =>
        r.lines.slice(1).map((line) => ({ line, field: 'loan_number', message: `${r.loan_number} repeats line ${r.lines[0]}` })),
      );
      throw rejected(errors);
    }
    const hasStatus = h.columns.includes('status');
    const hasDpd = h.columns.includes('days_past_due');
    if (hasStatus && hasDpd) return;
    // A column the file lacks keeps its stored value, which may break the paid_off rule.
    const broken = await rows<{ line: number }>(
      m,
      `SELECT s.line FROM ${STAGE} s JOIN loans l ON l.organization_id = $1 AND l.loan_number = s.loan_number
        WHERE ${hasStatus ? 's.status' : 'l.status'} = 'paid_off'
          AND (s.principal_balance <> 0 OR ${hasDpd ? 's.days_past_due' : 'l.days_past_due'} <> 0)
        ORDER BY s.line LIMIT ${MAX_IMPORT_ERRORS}`,
      [org],
    );
    if (broken.length) {
      throw rejected(
        broken.map((b) => ({
          line: b.line,
          field: hasStatus ? 'days_past_due' : 'status',
          message: 'the loan would be paid_off with a balance or days past due: a paid_off loan needs both 0',
        })),
      );
    }
  }
}
