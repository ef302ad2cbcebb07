import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { formatMoney, formatRate } from '../../common/money/decimal';
import { isIsoDate } from '../../common/money/validators';
import { isUuid } from '../../common/ids/uuid';
import { keysetPage, listPage } from '../../common/pagination/list-page';
import { decodeCursor } from '../../common/pagination/pagination';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
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

const COLUMNS = `id, loan_id, portfolio_id, snapshot_date, principal_balance, days_past_due, delinquency_bucket, status,
  interest_rate, next_payment_date, charged_off_amount, recovered_amount`;

/**
 * `GET /loan-snapshots`, newest first. With `?cursor=` (empty for the first page) it pages by
 * keyset on (snapshot_date, loan_id), so a deep page costs what the first one does.
 */
@Injectable()
export class LoanSnapshotsService {
  constructor(private readonly db: TenantDb) {}

  list(actor: Actor, q: LoanSnapshotQuery, req: FastifyRequest) {
    assertDateRange(q.date_from, q.date_to);
    const where = new Where().and`organization_id = ${actor.org}`;
    if (q.loan_id) where.and`loan_id = ${q.loan_id}`;
    if (q.portfolio_id) where.and`portfolio_id = ${q.portfolio_id}`;
    if (q.snapshot_date) where.and`snapshot_date = ${q.snapshot_date}`;
    if (q.date_from) where.and`snapshot_date >= ${q.date_from}`;
    if (q.date_to) where.and`snapshot_date <= ${q.date_to}`;
    const list = { columns: COLUMNS, from: 'loan_snapshots', where, orderBy: 'snapshot_date DESC, loan_id DESC' };
    if (q.cursor === undefined) return this.db.transaction(actor.org, (m) => listPage(m, req, q, list, view));
    if (q.cursor) {
      const [date, loanId] = decodeCursor(q.cursor, [isIsoDate, isUuid]);
      where.and`(snapshot_date, loan_id) < (${date}::date, ${loanId}::uuid)`;
    }
    return this.db.transaction(actor.org, (m) => keysetPage(m, req, q, list, view, (last: LoanSnapshotRow) => [last.snapshot_date, last.loan_id]));
  }
}
