// Read model: reads loans (owned by loans) as a portfolio's members and, through analytics-sql.ts,
// loan_snapshots (owned by snapshots). It writes nothing.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { formatMoney, formatRate } from '../../common/money/decimal';
import { TenantDb } from '../../database/tenant-db';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { performanceSql, transitionsSql } from './analytics-sql';
import { monthLabel } from './loan-month';
import type { MonthRange } from './month-range';
import { PerformancePoint, pointView, RawPoint } from './pool-figures';
import { matrixOf, State, STATES, TransitionPeriod } from './transitions';

/** The portfolio's current members (§11: cohorts and pools follow current membership). */
const MEMBERS = `SELECT id, origination_date FROM loans WHERE organization_id = $1 AND portfolio_id = $6`;

const firstDay = (monthIndex: number) => `${monthLabel(monthIndex)}-01`;

interface CellRow {
  mi: number;
  from_state: State;
  to_state: State;
  n: number;
  balance: string;
  roll_rate: string | null;
}

/** `GET /portfolios/{id}/performance` and `/transitions` (§11), computed in SQL on numeric. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
  ) {}

  performance(actor: Actor, portfolioId: string, range: MonthRange): Promise<{ portfolio_id: string; points: PerformancePoint[] }> {
    return this.db.transaction(actor.org, async (m) => {
      await this.portfolios.require(m, portfolioId);
      await m.exec(`SET LOCAL jit = off`);
      // The month before `from` is read too: month M's SMM and MDR start from M−1.
      const found = await m.rows<RawPoint & { mi: number }>(performanceSql(MEMBERS), [
        actor.org, firstDay(range.from - 1), firstDay(range.to + 1), range.from, range.to, portfolioId,
      ]);
      return { portfolio_id: portfolioId, points: found.map(({ mi, ...r }) => pointView({ ...r, month: monthLabel(mi) })) };
    });
  }

  transitions(actor: Actor, portfolioId: string, range: MonthRange) {
    return this.db.transaction(actor.org, async (m) => {
      await this.portfolios.require(m, portfolioId);
      await m.exec(`SET LOCAL jit = off`);
      const cells = await m.rows<CellRow>(transitionsSql(MEMBERS), [
        actor.org, firstDay(range.from), firstDay(range.to + 1), range.from + 1, range.to, portfolioId,
      ]);
      const periods: TransitionPeriod[] = [];
      for (let mi = range.from + 1; mi <= range.to; mi++) {
        const at = new Map(cells.filter((c) => c.mi === mi).map((c) => [`${c.from_state}|${c.to_state}`, c]));
        // A row with loans but no balance has no roll rates; so has a row without loans.
        const rowHasBalance = new Set(cells.filter((c) => c.mi === mi && c.roll_rate !== null).map((c) => c.from_state));
        const cell = (a: State, b: State) => at.get(`${a}|${b}`);
        periods.push({
          from: monthLabel(mi - 1),
          to: monthLabel(mi),
          counts: matrixOf((a, b) => cell(a, b)?.n ?? 0),
          balances: matrixOf((a, b) => formatMoney(cell(a, b)?.balance ?? '0') as string),
          roll_rates: matrixOf((a, b) => (rowHasBalance.has(a) ? (formatRate(cell(a, b)?.roll_rate ?? '0') as string) : null)),
        });
      }
      return { portfolio_id: portfolioId, states: [...STATES], periods };
    });
  }
}
