// Read model: reads this module's month-end sums (analytics-sql.ts); ensureMonthEnds may first
// bring them up to date (month-ends.ts, the only writer of the analytics tables).
import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { formatMoney, formatRate } from '../../common/money/decimal';
import { TenantDb } from '../../database/tenant-db';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { performanceFromSumsSql, transitionsFromSumsSql } from './analytics-sql';
import { monthLabel } from './loan-month';
import { ensureMonthEnds, managerExec } from './month-ends';
import type { MonthRange } from './month-range';
import { PerformancePoint, pointView, RawPoint } from './pool-figures';
import { matrixOf, State, STATES, TransitionPeriod } from './transitions';

interface CellRow {
  mi: number;
  from_state: State;
  to_state: State;
  n: number;
  balance: string;
  roll_rate: string | null;
}

/**
 * `GET /portfolios/{id}/performance` and `/transitions` (§11): quotients of the month-end sums
 * (month-end-sql.ts), in SQL on numeric. The sums follow current membership (§11), brought up
 * to date first when a membership change is pending.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
  ) {}

  performance(actor: Actor, portfolioId: string, range: MonthRange): Promise<{ portfolio_id: string; points: PerformancePoint[] }> {
    return this.db.transaction(actor.org, async (m) => {
      await this.portfolios.require(m, portfolioId);
      await ensureMonthEnds(managerExec(m), actor.org);
      const found = await m.rows<RawPoint & { mi: number }>(performanceFromSumsSql, [actor.org, portfolioId, range.from, range.to]);
      return { portfolio_id: portfolioId, points: found.map(({ mi, ...r }) => pointView({ ...r, month: monthLabel(mi) })) };
    });
  }

  transitions(actor: Actor, portfolioId: string, range: MonthRange) {
    return this.db.transaction(actor.org, async (m) => {
      await this.portfolios.require(m, portfolioId);
      await ensureMonthEnds(managerExec(m), actor.org);
      const cells = await m.rows<CellRow>(transitionsFromSumsSql, [actor.org, portfolioId, range.from + 1, range.to]);
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
