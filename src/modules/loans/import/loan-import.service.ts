import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { recordAudit } from '../../../common/audit/audit';
import type { Actor } from '../../../common/auth/actor';
import { APP_CONFIG, AppConfig } from '../../../config/env';
import { Sql } from '../../../database/sql';
import { TenantDb } from '../../../database/tenant-db';
import { JobProducer } from '../../../jobs/job-producer';
import { importRejected } from '../loans.errors';
import { CsvImportRunner, rejectLossRule, rejectRepeats, Staged } from './csv-import';
import { MAX_IMPORT_ERRORS } from './csv-to-copy';
import { ImportColumn, ImportHeader, LOAN_IMPORT } from './import-columns';
import type { Spooled } from './spool';

const STAGE = 'loan_import_stage';

export interface ImportResult {
  inserted: number;
  updated: number;
}

/**
 * `POST /loans/import`: spooled, staged and checked by CsvImportRunner, then, in the same
 * transaction as the staging, one set-based upsert moves the rows into `loans`. All or nothing.
 */
@Injectable()
export class LoanImportService {
  private readonly logger = new Logger(LoanImportService.name);

  constructor(
    private readonly db: TenantDb,
    private readonly producer: JobProducer,
    private readonly runner: CsvImportRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  import(actor: Actor, body: Readable, declaredBytes?: string): Promise<ImportResult> {
    return this.runner.spoolThenLoad(actor, body, declaredBytes, (file) => this.load(actor, file));
  }

  private async load(actor: Actor, file: Spooled): Promise<ImportResult> {
    const t0 = Date.now();
    let stagedMs = 0;
    // The file is all here, so the transaction's length depends on its size, not on the client.
    const { result, followUp } = await this.db.withClient(
      actor.org,
      async (client, m) => {
        const staged = await this.runner.stage(client, file, LOAN_IMPORT, STAGE);
        stagedMs = Date.now() - t0;
        const counts = await this.upsert(m, actor, staged);
        // Committed with the loans: dynamic portfolios will see them even if this process dies now.
        const job =
          counts.inserted + counts.updated > 0
            ? await this.producer.record(m, 'auto-assign', 'auto-assign-dynamic', actor, {}, { dedupKey: 'dynamic' })
            : undefined;
        return { result: counts, followUp: job };
      },
      { statementTimeoutMs: this.config.importStatementTimeoutMs },
    );
    this.logger.log({ ...result, bytes: file.bytes, staged_ms: stagedMs, total_ms: Date.now() - t0, request_id: actor.requestId }, 'loan import committed');
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

  private async upsert(m: Sql, actor: Actor, { header: h, rows: fileRows }: Staged<ImportColumn>): Promise<ImportResult> {
    await this.checkStaged(m, actor.org, h);
    const cols = h.columns.join(', ');
    const mutable = h.columns.filter((c) => c !== 'loan_number');
    // Only the file's columns are written on update, so a column it lacks keeps its stored
    // value; the WHERE leaves identical rows untouched, so they count in neither figure.
    const [counts] = await m.rows<ImportResult>(`WITH up AS (
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

  /** Rules that need the whole file or the stored loans: repeated loan numbers, paid_off and losses on update. */
  private async checkStaged(m: Sql, org: string, h: ImportHeader): Promise<void> {
    // A million loan numbers sort in memory instead of spilling to disk (this transaction only).
    await m.exec(`SET LOCAL work_mem = '128MB'`);
    await rejectRepeats(m, STAGE, ['loan_number']);
    await this.checkPaidOff(m, org, h);
    await rejectLossRule(m, STAGE, h.columns, `LEFT JOIN loans l ON l.organization_id = $1 AND l.loan_number = s.loan_number`, [org]);
  }

  private async checkPaidOff(m: Sql, org: string, h: ImportHeader): Promise<void> {
    const hasStatus = h.columns.includes('status');
    const hasDpd = h.columns.includes('days_past_due');
    if (hasStatus && hasDpd) return;
    // A column the file lacks keeps its stored value, which may break the paid_off rule.
    const broken = await m.rows<{ line: number }>(`SELECT s.line FROM ${STAGE} s JOIN loans l ON l.organization_id = $1 AND l.loan_number = s.loan_number
        WHERE ${hasStatus ? 's.status' : 'l.status'} = 'paid_off'
          AND (s.principal_balance <> 0 OR ${hasDpd ? 's.days_past_due' : 'l.days_past_due'} <> 0)
        ORDER BY s.line LIMIT ${MAX_IMPORT_ERRORS}`,
      [org],
    );
    if (broken.length) {
      throw importRejected(
        broken.map((b) => ({
          line: b.line,
          field: hasStatus ? 'days_past_due' : 'status',
          message: 'the loan would be paid_off with a balance or days past due: a paid_off loan needs both 0',
        })),
      );
    }
  }
}
