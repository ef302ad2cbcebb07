// Read model: reads loans (owned by loans) to match imported history to known loan numbers;
// it writes only this module's loan_snapshots, then hands the month-end aggregates to analytics
// (afterHistoryImport) in the same transaction.
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { recordAudit } from '../../../common/audit/audit';
import type { Actor } from '../../../common/auth/actor';
import type { FieldError } from '../../../common/errors/domain-error';
import { todayUtc } from '../../../common/time/today';
import { APP_CONFIG, AppConfig } from '../../../config/env';
import { Sql } from '../../../database/sql';
import { TenantDb } from '../../../database/tenant-db';
import { JobProducer } from '../../../jobs/job-producer';
import { CsvImportRunner, rejectLossRule, rejectRepeats } from '../../loans/import/csv-import';
import { MAX_IMPORT_ERRORS } from '../../loans/import/csv-to-copy';
import { importRejected } from '../../loans/loans.errors';
import type { Spooled } from '../../loans/import/spool';
import { afterHistoryImport, managerExec } from '../../analytics/month-ends';
import { HISTORY_IMPORT } from './history-columns';
import { writeImported } from './history-versions';

const STAGE = 'history_import_stage';

export interface HistoryImportResult {
  imported: number;
  dates: number;
  job_id: string;
  status_url: string;
}

/** The staged file needs monthly partitions that do not exist yet. */
class MissingPartitions extends Error {
  constructor(readonly months: string[]) {
    super(`missing loan snapshot partitions: ${months.join(', ')}`);
  }
}

const KNOWN_LOAN = `JOIN loans l ON l.organization_id = $1 AND l.loan_number = s.loan_number`;

/**
 * `POST /loan-snapshots/import` (§5): past loan states from a CSV, through the loan import's
 * machinery (spool, parse, COPY into a temporary table), checked with SQL over the staged
 * rows, then written as versions (history-versions.ts: a row for a loan and date already stored
 * is replaced whole, and every other observed date answers as before). All or nothing. The affected portfolio snapshots are
 * recomputed by a job.
 */
@Injectable()
export class HistoryImportService {
  private readonly logger = new Logger(HistoryImportService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly producer: JobProducer,
    private readonly runner: CsvImportRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  import(actor: Actor, body: Readable, declaredBytes?: string): Promise<HistoryImportResult> {
    return this.runner.spoolThenLoad(actor, body, declaredBytes, async (file) => {
      const { imported, dates } = await this.loadCreatingPartitions(actor, file);
      const job = await this.producer.enqueue('snapshots', 'history', actor, { dates });
      return { imported, dates: dates.length, ...job };
    });
  }

  /**
   * Creating a partition locks the whole table, so it never happens inside the long import
   * transaction: a file that needs new months is rolled back, the months are created in a
   * short transaction of their own, and the file is loaded again.
   */
  private async loadCreatingPartitions(actor: Actor, file: Spooled) {
    try {
      return await this.load(actor, file);
    } catch (err) {
      if (!(err instanceof MissingPartitions)) throw err;
      await this.db.transaction(actor.org, (m) => m.exec(`SELECT ensure_loan_snapshot_partitions(d, d) FROM unnest($1::date[]) d`, [err.months]));
      return this.load(actor, file);
    }
  }

  private async load(actor: Actor, file: Spooled): Promise<{ imported: number; dates: string[] }> {
    const t0 = Date.now();
    const result = await this.db.withClient(
      actor.org,
      async (client, m) => {
        const { header, rows: fileRows } = await this.runner.stage(client, file, HISTORY_IMPORT, STAGE);
        await m.exec(`SET LOCAL work_mem = '128MB'`);
        await rejectRepeats(m, STAGE, ['loan_number', 'snapshot_date']);
        await this.rejectUnknownOrMisdated(m, actor.org);
        await rejectLossRule(m, STAGE, header.columns);
        const [{ months, dates }] = await m.rows<{ months: string[]; dates: string[] }>(`SELECT coalesce(array_agg(DISTINCT date_trunc('month', snapshot_date)::date::text), '{}') AS months,
                  coalesce(array_agg(DISTINCT snapshot_date::text ORDER BY snapshot_date::text), '{}') AS dates FROM ${STAGE}`,
        );
        const missing = await m.rows<{ month: string }>(`SELECT m::text AS month FROM unnest($1::date[]) m WHERE to_regclass(format('loan_snapshots_%s', to_char(m, 'YYYY_MM'))) IS NULL`,
          [months],
        );
        if (missing.length) throw new MissingPartitions(missing.map((r) => r.month));
        const imported = await writeImported(m, actor.org, STAGE, dates);
        // The imported months and the month after each: curves and series answer from them once this commits.
        await afterHistoryImport(managerExec(m), actor.org, STAGE);
        await recordAudit(m, actor, {
          action: 'loan_snapshot.import', resourceType: 'loan_snapshot',
          details: { imported, rows: fileRows, dates: dates.length, first_date: dates[0] ?? null, last_date: dates[dates.length - 1] ?? null, columns: header.columns },
        });
        return { imported, dates };
      },
      { statementTimeoutMs: this.config.importStatementTimeoutMs },
    );
    this.logger.log({ imported: result.imported, dates: result.dates.length, bytes: file.bytes, total_ms: Date.now() - t0, request_id: actor.requestId }, 'history import committed');
    return result;
  }

  /** Unknown loan numbers (another organization's are unknown too), dates not before today or before origination. */
  private async rejectUnknownOrMisdated(m: Sql, org: string): Promise<void> {
    const today = todayUtc();
    const errors = await m.rows<FieldError & { line: number }>(`SELECT line, field, message FROM (
         SELECT s.line, 'loan_number' AS field, 'no loan numbered ' || s.loan_number || ' exists' AS message
           FROM ${STAGE} s WHERE NOT EXISTS (SELECT 1 FROM loans l WHERE l.organization_id = $1 AND l.loan_number = s.loan_number)
         UNION ALL
         SELECT s.line, 'snapshot_date', 'must be before today (' || $2 || ', UTC)' FROM ${STAGE} s WHERE s.snapshot_date >= $2::date
         UNION ALL
         SELECT s.line, 'snapshot_date', 'must not be before the loan''s origination_date (' || l.origination_date::text || ')'
           FROM ${STAGE} s ${KNOWN_LOAN} WHERE s.snapshot_date < l.origination_date
       ) e ORDER BY line, field LIMIT ${MAX_IMPORT_ERRORS}`,
      [org, today],
    );
    if (errors.length) throw importRejected(errors);
  }
}
