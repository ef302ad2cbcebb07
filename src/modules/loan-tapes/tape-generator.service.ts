import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Actor } from '../../common/auth/actor';
import { recordAudit } from '../../common/audit/audit';
import { TenantDb } from '../../database/tenant-db';
import { LoanSnapshotsRepository } from '../snapshots/loan-snapshots.repository';
import { tapeCountSql, tapeSelectSql } from './tape-sql';
import { storageKey, TapeFailure, xlsxRowLimitProblem } from './tape-rules';
import { TAPE_STORAGE, TapeStorage } from './tape-storage';
import { Meter, WriteResult, writeTape } from './tape-writers';
import { TAPE_COLUMNS_SQL, TapeRow } from './loan-tapes.views';
import { percentOf, Progress } from '../../jobs/progress';

export interface RunContext {
  /** This attempt is the job's last: a failure is final. */
  finalAttempt: boolean;
  progress: (p: Progress) => Promise<unknown>;
}

export interface TapeSummary {
  tape_id: string;
  status: 'completed';
  row_count: number;
  byte_size: number;
  sha256: string;
}

/**
 * Generates one tape: rows stream from Postgres (COPY for CSV, a server-side cursor for XLSX
 * and JSON Lines) through a hashing counter into a temporary file, which is then renamed onto
 * the tape's final key. A retry overwrites that key, so a tape never has two files.
 */
@Injectable()
export class TapeGenerator {
  constructor(
    private readonly db: TenantDb,
    @Inject(TAPE_STORAGE) private readonly storage: TapeStorage,
    private readonly snapshots: LoanSnapshotsRepository,
  ) {}

  async generate(actor: Actor, tapeId: string, ctx: RunContext): Promise<TapeSummary | { tape_id: string; status: string }> {
    const tape = await this.start(actor, tapeId);
    if (!tape) return { tape_id: tapeId, status: 'missing' };
    if (tape.status === 'completed' || tape.status === 'failed') return this.summary(tape);
    const key = storageKey(actor.org, tape.id, tape.format);
    const tmpKey = `${key}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const result = await this.write(actor, tape, tmpKey, ctx);
      await this.storage.commit(tmpKey, key);
      // An attempt killed mid-write never cleaned up after itself; the tape's file is final now.
      await this.storage.removeTemporaries(key).catch(() => undefined);
      await this.finish(actor, tape, key, result);
      await ctx.progress({ percent: 100, rows_written: result.rows, rows_total: result.rows });
      return { tape_id: tape.id, status: 'completed', row_count: result.rows, byte_size: result.bytes, sha256: result.sha256 };
    } catch (err) {
      await this.storage.remove(tmpKey).catch(() => undefined);
      const permanent = err instanceof TapeFailure;
      if (permanent || ctx.finalAttempt) {
        await this.storage.removeTemporaries(key).catch(() => undefined);
        await this.fail(actor, tape.id, reasonOf(err));
      } else {
        await this.db.transaction(actor.org, (m) => m.exec(`UPDATE loan_tapes SET status = 'queued' WHERE id = $1 AND status = 'running'`, [tape.id]));
      }
      throw err;
    }
  }

  /** Moves the tape to running; a tape already finished by an earlier attempt is left as it is. */
  private start(actor: Actor, tapeId: string): Promise<TapeRow | undefined> {
    return this.db.transaction(actor.org, async (m) => {
      const tape = await m.one<TapeRow>(`SELECT ${TAPE_COLUMNS_SQL} FROM loan_tapes WHERE id = $1 FOR UPDATE`, [tapeId]);
      if (!tape || tape.status === 'completed' || tape.status === 'failed') return tape;
      await m.exec(
        `UPDATE loan_tapes SET status = 'running', started_at = coalesce(started_at, now()), attempts = attempts + 1 WHERE id = $1`,
        [tapeId],
      );
      return { ...tape, status: 'running' as const };
    });
  }

  private async write(actor: Actor, tape: TapeRow, tmpKey: string, ctx: RunContext): Promise<WriteResult> {
    const input = { org: actor.org, asOf: tape.as_of_date, source: tape.source, portfolioId: tape.portfolio_id, columns: tape.columns };
    return this.db.withClient(actor.org, async (client, m) => {
      if (tape.source === 'snapshot' && !(await this.snapshots.existOn(m, actor.org, tape.as_of_date))) {
        throw new TapeFailure(`No loan snapshots exist for ${tape.as_of_date}; a past tape reads that date's snapshots`);
      }
      const { rows } = await client.query<{ count: string }>(tapeCountSql(input));
      const expected = Number(rows[0].count);
      if (tape.format === 'xlsx') {
        const problem = xlsxRowLimitProblem(expected);
        if (problem) throw new TapeFailure(problem);
      }
      const meter: Meter = { rows: 0 };
      const timer = setInterval(() => {
        ctx.progress({ percent: Math.min(99, percentOf(meter.rows, expected)), rows_written: meter.rows, rows_total: expected }).catch(() => undefined);
      }, 1000);
      try {
        const out = await this.storage.createWriteStream(tmpKey);
        return await writeTape(tape.format, client, tapeSelectSql(input), tape.columns, out, meter);
      } finally {
        clearInterval(timer);
      }
    });
  }

  private finish(actor: Actor, tape: TapeRow, key: string, r: WriteResult): Promise<void> {
    return this.db.transaction(actor.org, async (m) => {
      await m.exec(
        `UPDATE loan_tapes SET status = 'completed', storage_key = $2, row_count = $3, byte_size = $4, sha256 = $5,
                failed_reason = NULL, completed_at = now()
          WHERE id = $1`,
        [tape.id, key, r.rows, r.bytes, r.sha256],
      );
      await recordAudit(m, actor, {
        action: 'loan_tape.complete',
        resourceType: 'loan_tape',
        resourceId: tape.id,
        details: { row_count: r.rows, byte_size: r.bytes, sha256: r.sha256 },
      });
    });
  }

  private fail(actor: Actor, tapeId: string, reason: string): Promise<void> {
    return this.db.transaction(actor.org, async (m) => {
      await m.exec(`UPDATE loan_tapes SET status = 'failed', failed_reason = $2, completed_at = now() WHERE id = $1`, [tapeId, reason]);
      await recordAudit(m, actor, { action: 'loan_tape.fail', resourceType: 'loan_tape', resourceId: tapeId, details: { reason } });
    });
  }

  private summary(tape: TapeRow) {
    return { tape_id: tape.id, status: tape.status, row_count: tape.row_count === null ? null : Number(tape.row_count) };
  }
}

/** A reason a tape's reader can act on, without file-system paths or stack traces. */
export function reasonOf(err: unknown): string {
  if (err instanceof TapeFailure) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOENT', 'EISDIR'].includes(e?.code ?? '')) return `Tape storage is not writable (${e.code})`;
  if (e?.code === 'ENOSPC') return 'Tape storage is full (ENOSPC)';
  return `Tape generation failed: ${e?.message ?? String(err)}`;
}
