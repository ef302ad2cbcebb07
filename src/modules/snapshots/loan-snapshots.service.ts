import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { formatMoney, formatRate } from '../../common/money/decimal';
import { isIsoDate } from '../../common/money/validators';
import { isUuid } from '../../common/ids/uuid';
import { cursorPageOf, decodeCursor, offsetOf, pageOf } from '../../common/pagination/pagination';
import { TenantDb } from '../../database/tenant-db';
import { bucketSql } from '../loans/loan-states';
import { monthStartSql, nextMonthSql } from './snapshot-sql';
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

/** A row's columns on date `d`; the id is derived from loan and date (a version row serves many dates). */
const rowColumns = (v: string, d: string) => `md5(${v}.loan_id::text || ${d}::text)::uuid AS id, ${v}.loan_id, ${v}.portfolio_id,
  ${d}::text AS snapshot_date, ${v}.principal_balance, ${v}.days_past_due, ${bucketSql(`${v}.days_past_due`)} AS delinquency_bucket, ${v}.status,
  ${v}.interest_rate, ${v}.next_payment_date, ${v}.charged_off_amount, ${v}.recovered_amount`;

/** A loan's latest row in [first of d's month, d] (snapshots are versions: snapshot-sql.ts). */
const latestRow = (loan: string, d: string) => `SELECT x.* FROM loan_snapshots x
  WHERE x.organization_id = $1 AND x.loan_id = ${loan} AND x.snapshot_date >= ${monthStartSql(d)} AND x.snapshot_date <= ${d}::date
  ORDER BY x.snapshot_date DESC LIMIT 1`;

/**
 * One observed date's rows ($2 the date), loan_id descending, below loan $3 when `below`: a walk
 * of the month's rows in key order (each loan's latest first) or, within a portfolio ($4), of
 * the loans that entered it in the month (its entry rows), each probed for its latest row. Either way a page reads about
 * as many index entries as it returns rows.
 */
function dateRowsSql(portfolio: boolean, below: boolean): string {
  // $3 is always bound (null when not `below`), so both forms take the same parameters.
  const range = (a: string) => `${a}.organization_id = $1 AND ${a}.snapshot_date >= ${monthStartSql('$2')} AND ${a}.snapshot_date <= $2::date
    AND ${below ? `${a}.loan_id < $3::uuid` : '$3::uuid IS NULL'}`;
  if (!portfolio) {
    return `SELECT ${rowColumns('v', '$2')}
      FROM (SELECT DISTINCT ON (x.loan_id) x.* FROM loan_snapshots x WHERE ${range('x')}
             ORDER BY x.loan_id DESC, x.snapshot_date DESC) v
     WHERE v.status IS NOT NULL ORDER BY v.loan_id DESC`;
  }
  return `SELECT ${rowColumns('v', '$2')}
    -- DISTINCT ON, not DISTINCT: it keeps the index order (a hash of every candidate, then a sort, would read them all).
    FROM (SELECT DISTINCT ON (y.loan_id) y.loan_id FROM loan_snapshots y
           WHERE y.organization_id = $1 AND y.portfolio_id = $4::uuid AND y.portfolio_entry
             AND y.snapshot_date >= ${monthStartSql('$2')} AND y.snapshot_date < ${nextMonthSql('$2')}
             AND ${below ? 'y.loan_id < $3::uuid' : '$3::uuid IS NULL'}
           ORDER BY y.loan_id DESC) c
    CROSS JOIN LATERAL (${latestRow('c.loan_id', '$2')}) v
   WHERE v.status IS NOT NULL AND v.portfolio_id = $4::uuid ORDER BY c.loan_id DESC`;
}

/**
 * `GET /loan-snapshots`, newest first, then by loan descending: every observed date's state of
 * each loan. With `?cursor=` (empty for the first page) it pages by keyset on (snapshot_date,
 * loan_id), so a deep page costs what the first one does.
 */
@Injectable()
export class LoanSnapshotsService {
  constructor(private readonly db: TenantDb) {}

  list(actor: Actor, q: LoanSnapshotQuery, req: FastifyRequest) {
    assertDateRange(q.date_from, q.date_to);
    const keyset = q.cursor !== undefined;
    let after: [string, string] | null = null;
    if (q.cursor) {
      const [date, loanId] = decodeCursor(q.cursor, [isIsoDate, isUuid]);
      after = [date as string, loanId as string];
    }
    const params: unknown[] = [actor.org];
    const where = ['organization_id = $1'];
    const add = (sql: string, v: unknown) => where.push(sql.replace('?', `$${params.push(v)}`));
    if (q.snapshot_date) add('snapshot_date = ?', q.snapshot_date);
    if (q.date_from) add('snapshot_date >= ?', q.date_from);
    if (q.date_to) add('snapshot_date <= ?', q.date_to);
    if (after) add('snapshot_date <= ?', after[0]);
    const datesSql = `SELECT DISTINCT snapshot_date AS d FROM loan_snapshot_dates WHERE ${where.join(' AND ')}`;
    const take = q.page_size + (keyset ? 1 : 0);
    const skip = keyset ? 0 : offsetOf(q);
    return this.db.transaction(actor.org, async (m) => {
      let page: LoanSnapshotRow[];
      let count = 0;
      if (q.loan_id) {
        // One loan: one probe per observed date, in one statement.
        const p = [...params, q.loan_id, q.portfolio_id ?? null, after?.[0] ?? null, after?.[1] ?? null];
        const n = params.length;
        const from = `FROM (${datesSql}) d CROSS JOIN LATERAL (${latestRow(`$${n + 1}::uuid`, 'd.d')}) v
          WHERE v.status IS NOT NULL AND ($${n + 2}::uuid IS NULL OR v.portfolio_id = $${n + 2}::uuid)
            AND ($${n + 3}::date IS NULL OR (d.d, v.loan_id) < ($${n + 3}::date, $${n + 4}::uuid))`;
        page = await m.rows<LoanSnapshotRow>(`SELECT ${rowColumns('v', 'd.d')} ${from} ORDER BY d.d DESC LIMIT ${take} OFFSET ${skip}`, p);
        if (!keyset) [{ count }] = await m.rows<{ count: number }>(`SELECT count(*)::int AS count ${from}`, p);
      } else {
        const dates = (await m.rows<{ d: string }>(`SELECT d::text AS d FROM (${datesSql}) x ORDER BY d DESC`, params)).map((r) => r.d);
        const byPortfolio = Boolean(q.portfolio_id);
        const args = (d: unknown, below: string | null) => [actor.org, d, below, ...(byPortfolio ? [q.portfolio_id] : [])];
        const dateSql = (below: boolean) => dateRowsSql(byPortfolio, below);
        let counts: Map<string, number> | null = null;
        if (!keyset && dates.length) {
          // Kept counts where the run or the import wrote them; any other date (written by hand) is counted here.
          const kept = await m.rows<{ d: string; n: number }>(`SELECT snapshot_date::text AS d, coalesce(sum(loans) FILTER (WHERE $3::uuid IS NULL OR portfolio_id = $3::uuid), 0)::int AS n
               FROM loan_snapshot_counts WHERE organization_id = $1 AND snapshot_date = ANY($2::date[]) GROUP BY 1`, [actor.org, dates, q.portfolio_id ?? null]);
          counts = new Map(kept.map((r) => [r.d, r.n]));
          const uncounted = dates.filter((d) => !counts?.has(d));
          if (uncounted.length) {
            const live = await m.rows<{ d: string; n: number }>(`SELECT d.d::text AS d, (SELECT count(*)::int FROM (${dateSql(false).replace(/\$2/g, 'd.d')}) c) AS n
                 FROM unnest($2::date[]) d(d)`, args(uncounted, null));
            for (const r of live) counts.set(r.d, r.n);
          }
          count = [...counts.values()].reduce((a, n) => a + n, 0);
        }
        // Date by date, newest first, until the page is full: a page rarely spans more than two dates.
        page = [];
        let toSkip = skip;
        for (const d of dates) {
          if (page.length >= take) break;
          const below = after && d === after[0] ? after[1] : null;
          const onDate = counts?.get(d);
          if (onDate !== undefined && toSkip >= onDate) {
            toSkip -= onDate;
            continue;
          }
          const rows = await m.rows<LoanSnapshotRow>(`${dateSql(below !== null)} LIMIT ${take - page.length} OFFSET ${toSkip}`, args(d, below));
          toSkip = 0;
          page.push(...rows);
        }
      }
      if (keyset) {
        const more = page.length > q.page_size;
        const results = page.slice(0, q.page_size);
        const last = results[results.length - 1];
        return cursorPageOf(req, q, results.map(view), more ? [last.snapshot_date, last.loan_id] : null);
      }
      return pageOf(req, q, count, page.map(view));
    });
  }
}
