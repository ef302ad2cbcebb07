import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { formatMoney, formatRate } from '../../common/money/decimal';
import { isIsoDate } from '../../common/money/validators';
import { cursorPageOf, decodeCursor, offsetOf, pageOf } from '../../common/pagination/pagination';
import { TenantDb } from '../../database/tenant-db';
import type { LoanSnapshotQuery } from './snapshots.dto';
import { assertDateRange } from './snapshots.service';

interface LoanSnapshotRow {
  id: string;
  loan_id: string;
  portfolio_id: string | null;
  snapshot_date: string;
  principal_balance: string;
  days_past_due: number;
  delinquency_bucket: string;
  status: string;
  interest_rate: string;
  next_payment_date: string | null;
  charged_off_amount: string;
  recovered_amount: string;
}

const view = (r: LoanSnapshotRow) => ({
  id: r.id,
  loan_id: r.loan_id,
  portfolio_id: r.portfolio_id,
  snapshot_date: r.snapshot_date,
  principal_balance: formatMoney(r.principal_balance),
  days_past_due: r.days_past_due,
  delinquency_bucket: r.delinquency_bucket,
  status: r.status,
  interest_rate: formatRate(r.interest_rate),
  next_payment_date: r.next_payment_date,
  charged_off_amount: formatMoney(r.charged_off_amount),
  recovered_amount: formatMoney(r.recovered_amount),
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `GET /loan-snapshots`, newest first. With `?cursor=` (empty for the first page) it pages by
 * keyset on (snapshot_date, loan_id), so a deep page costs what the first one does.
 */
@Injectable()
export class LoanSnapshotsService {
  constructor(private readonly db: TenantDb) {}

  list(actor: Actor, q: LoanSnapshotQuery, req: FastifyRequest) {
    assertDateRange(q.date_from, q.date_to);
    const params: unknown[] = [actor.org];
    const where = ['organization_id = $1'];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.loan_id) add('loan_id = ?', q.loan_id);
    if (q.portfolio_id) add('portfolio_id = ?', q.portfolio_id);
    if (q.snapshot_date) add('snapshot_date = ?', q.snapshot_date);
    if (q.date_from) add('snapshot_date >= ?', q.date_from);
    if (q.date_to) add('snapshot_date <= ?', q.date_to);
    const keyset = q.cursor !== undefined;
    if (q.cursor) {
      const [date, loanId] = decodeCursor(q.cursor, [isIsoDate, (v) => typeof v === 'string' && UUID_RE.test(v)]);
      params.push(date, loanId);
      where.push(`(snapshot_date, loan_id) < ($${params.length - 1}::date, $${params.length}::uuid)`);
    }
    const filter = where.join(' AND ');
    return this.db.run(actor.org, async (m) => {
      const page = await m.rows<LoanSnapshotRow>(`SELECT id, loan_id, portfolio_id, snapshot_date, principal_balance, days_past_due, delinquency_bucket, status,
                interest_rate, next_payment_date, charged_off_amount, recovered_amount
           FROM loan_snapshots WHERE ${filter}
          ORDER BY snapshot_date DESC, loan_id DESC
          LIMIT ${q.page_size + (keyset ? 1 : 0)} OFFSET ${keyset ? 0 : offsetOf(q)}`,
        params,
      );
      if (keyset) {
        const more = page.length > q.page_size;
        const results = page.slice(0, q.page_size);
        const last = results[results.length - 1];
        return cursorPageOf(req, q, results.map(view), more ? [last.snapshot_date, last.loan_id] : null);
      }
      const [{ count }] = await m.rows<{ count: number }>(`SELECT count(*)::int AS count FROM loan_snapshots WHERE ${filter}`, params);
      return pageOf(req, q, count, page.map(view));
    });
  }
}
