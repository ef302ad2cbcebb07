// Read model: reads loans (owned by loans) for today's figures; it writes only this module's
// portfolio_snapshots.
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { groupedInsertSql } from '../../database/grouped-insert';
import { recordAudit } from '../../common/audit/audit';
import { badRequest } from '../../common/errors/common.errors';
import { todayUtc } from '../../common/time/today';
import { listPage } from '../../common/pagination/list-page';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import { PortfoliosService } from '../portfolios/portfolios.service';
import {
  EMPTY_ON_DATES_SQL, METRIC_COLUMNS, METRIC_SELECT, METRIC_UPSERT, PORTFOLIO_SNAPSHOT_COLUMNS, PortfolioSnapshotRow, portfolioSnapshotView,
  RECOMPUTE_DATES, statesOnSql,
} from './snapshot-sql';
import { futureSnapshotDate, noLoanSnapshots } from './snapshots.errors';
import type { SnapshotListQuery } from './snapshots.dto';

export function assertDateRange(from?: string, to?: string): void {
  if (from && to && from > to) throw badRequest('date_from is after date_to', [{ field: 'date_from', message: 'must not be after date_to' }]);
}

/** Portfolio snapshots on demand (§5): today's from live loans, a past date's from that day's loan snapshots. */
@Injectable()
export class SnapshotsService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
  ) {}

  list(actor: Actor, portfolioId: string, q: SnapshotListQuery, req: FastifyRequest) {
    assertDateRange(q.date_from, q.date_to);
    return this.db.transaction(actor.org, async (m) => {
      await this.portfolios.require(m, portfolioId);
      const where = new Where().and`organization_id = ${actor.org}`.and`portfolio_id = ${portfolioId}`;
      if (q.date_from) where.and`snapshot_date >= ${q.date_from}::date`;
      if (q.date_to) where.and`snapshot_date <= ${q.date_to}::date`;
      const list = { columns: PORTFOLIO_SNAPSHOT_COLUMNS, from: 'portfolio_snapshots', where, orderBy: 'snapshot_date DESC' };
      return listPage(m, req, q, list, portfolioSnapshotView);
    });
  }

  /** Every snapshot in the date range, newest first (the exports: one file, no pages). */
  listAll(actor: Actor, portfolioId: string, q: SnapshotListQuery) {
    assertDateRange(q.date_from, q.date_to);
    return this.db.transaction(actor.org, async (m) => {
      await this.portfolios.require(m, portfolioId);
      const found = await m.rows<PortfolioSnapshotRow>(`SELECT ${PORTFOLIO_SNAPSHOT_COLUMNS} FROM portfolio_snapshots
          WHERE organization_id = $1 AND portfolio_id = $2 AND ($3::date IS NULL OR snapshot_date >= $3) AND ($4::date IS NULL OR snapshot_date <= $4)
          ORDER BY snapshot_date DESC`,
        [actor.org, portfolioId, q.date_from ?? null, q.date_to ?? null],
      );
      return found.map(portfolioSnapshotView);
    });
  }

  /**
   * After a history import: every active or sold portfolio's snapshot on each of `dates`, from
   * that day's loan snapshots (created or replaced; one left with no loans there has an empty
   * portfolio's figures; a retry changes nothing).
   */
  recomputeDates(org: string, dates: string[]): Promise<{ portfolio_snapshots: number; dates: number }> {
    return this.db.transaction(org, async (m) => {
      await m.exec(EMPTY_ON_DATES_SQL, [org, dates]);
      // One process: a parallel helper gained nothing at 1 M loans (12.1–13.5 s against 10.4–14.6 s),
      // and the job runs beside other organizations' requests.
      const written = await m.exec(groupedInsertSql(RECOMPUTE_DATES), [org, dates]);
      return { portfolio_snapshots: written, dates: dates.length };
    });
  }

  create(actor: Actor, portfolioId: string, date = todayUtc()) {
    const today = todayUtc();
    return this.db.transaction(actor.org, async (m) => {
      // The portfolio first: another organization's is a 404 whatever the date.
      await this.portfolios.require(m, portfolioId);
      if (date > today) {
        throw futureSnapshotDate(date, today);
      }
      const source =
        date === today
          ? `SELECT * FROM loans WHERE organization_id = $1 AND portfolio_id = $2`
          : `SELECT * FROM ${statesOnSql('$1', '$3::date', '$2::uuid')} v`;
      // A past date needs that day's loan snapshots; HAVING leaves nothing to insert without them.
      const row = await m.one<PortfolioSnapshotRow>(`INSERT INTO portfolio_snapshots (portfolio_id, snapshot_date, ${METRIC_COLUMNS.join(', ')})
         SELECT $2, $3::date, ${METRIC_SELECT} FROM (${source}) s
         ${date === today ? '' : 'HAVING count(*) > 0'}
         ${METRIC_UPSERT}
         RETURNING ${PORTFOLIO_SNAPSHOT_COLUMNS}`,
        [actor.org, portfolioId, date],
      );
      if (!row) {
        throw noLoanSnapshots(date, { portfolioId });
      }
      await recordAudit(m, actor, {
        action: 'portfolio_snapshot.create', resourceType: 'portfolio_snapshot', resourceId: row.id,
        details: { portfolio_id: portfolioId, snapshot_date: date, total_loans: row.total_loans },
      });
      return portfolioSnapshotView(row);
    });
  }
}
