// Read model: reads loans (owned by loans) and, through analytics-sql.ts, this module's
// loan_snapshots. It writes nothing.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { formatMoney, formatRate } from '../../common/money/decimal';
import { TenantDb } from '../../database/tenant-db';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { METRIC_EXPRS } from './snapshot-sql';
import { todayUtc } from '../../common/time/today';
import { div, loanMonthsCte, RATE_SELECT } from '../analytics/analytics-sql';
import { monthIndex, monthLabel } from '../analytics/loan-month';
import { MIN_ORIGINATION_DATE } from '../loans/loans.dto';
import { Basis, CurvePoint, curvePointView, Period, Vintage } from './vintage-curves';

const LABEL: Record<Period, string> = {
  month: `to_char(origination_date, 'YYYY-MM')`,
  quarter: `to_char(origination_date, 'YYYY-"Q"Q')`,
};


/** Cohort-level figures: today's §5 metrics of each cohort's loans (the shared aggregate). */
const cohortsSql = (period: Period) => `
  SELECT vintage, ${METRIC_EXPRS.total_loans} AS loan_count, ${METRIC_EXPRS.total_principal} AS original_principal,
         ${METRIC_EXPRS.total_outstanding} AS outstanding, ${METRIC_EXPRS.delinquency_rate} AS delinquency_rate,
         ${METRIC_EXPRS.default_rate} AS default_rate
    FROM (SELECT ${LABEL[period]} AS vintage, * FROM loans WHERE organization_id = $1 AND portfolio_id = $2) s
   GROUP BY vintage ORDER BY vintage`;

/**
 * Curve points (§4, §11): each cohort loan's month-end observations and month figures (the
 * analytics CTE), placed at its own months on book or at the calendar month; cumulative
 * defaults count each loan once, from its first month-end in default. $4 is the portfolio.
 */
const curveSql = (period: Period, basis: Basis) => {
  const key = basis === 'months_on_book' ? 'mob' : 'mi';
  const members = `SELECT id, origination_date, original_principal AS loan_principal, ${LABEL[period]} AS vintage
    FROM loans WHERE organization_id = $1 AND portfolio_id = $4`;
  const ofP = (x: string) => div(x, 't.p');
  return `
  WITH ${loanMonthsCte(members, ['vintage', 'loan_principal'])},
  sums AS (
    SELECT vintage, ${key} AS k, sum(b) AS balance,
           coalesce(sum(b) FILTER (WHERE days_past_due >= 30), 0) AS dpd30,
           coalesce(sum(b) FILTER (WHERE days_past_due >= 60), 0) AS dpd60,
           coalesce(sum(b) FILTER (WHERE days_past_due >= 90), 0) AS dpd90,
           sum(charged_off_amount - recovered_amount) AS net_loss,
           ${RATE_SELECT}
      FROM lm WHERE mob >= 0 GROUP BY vintage, ${key}
  ), first_default AS (
    SELECT vintage, k, sum(loan_principal) AS principal
      FROM (SELECT vintage, loan_id, min(loan_principal) AS loan_principal, min(${key}) AS k
              FROM lm WHERE in_default AND mob >= 0 GROUP BY vintage, loan_id) d
     GROUP BY vintage, k
  ), totals AS (SELECT vintage, sum(loan_principal) AS p FROM members GROUP BY vintage)
  SELECT s.vintage, s.k, ${ofP('s.balance')} AS outstanding_ratio, ${ofP('s.dpd30')} AS dpd_30_plus_rate,
         ${ofP('sum(coalesce(f.principal, 0)) OVER (PARTITION BY s.vintage ORDER BY s.k)')} AS cumulative_default_rate,
         s.smm, s.cpr, s.mdr, s.cdr, ${ofP('s.dpd60')} AS dpd_60_plus_rate, ${ofP('s.dpd90')} AS dpd_90_plus_rate,
         ${ofP('s.net_loss')} AS cumulative_net_loss_rate
    FROM sums s JOIN totals t USING (vintage) LEFT JOIN first_default f USING (vintage, k)
   ORDER BY s.vintage, s.k`;
};

@Injectable()
export class VintagesService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
  ) {}

  get(actor: Actor, portfolioId: string, period: Period, basis: Basis = 'months_on_book') {
    return this.db.transaction(actor.org, async (m) => {
      await this.portfolios.require(m, portfolioId);
      // The plan's cost crosses the JIT threshold, and compiling takes longer than running it.
      await m.exec(`SET LOCAL jit = off`);
      const cohorts = await m.rows<Omit<Vintage, 'curve'>>(cohortsSql(period), [actor.org, portfolioId]);
      // Every month-end from the earliest possible origination to this month (the unfinished one counts).
      const points = await m.rows<Record<string, string | null> & { vintage: string; k: number }>(curveSql(period, basis), [
        actor.org, `${MIN_ORIGINATION_DATE}`, `${monthLabel(monthIndex(todayUtc()) + 1)}-01`, portfolioId,
      ]);
      const curves = new Map<string, CurvePoint[]>();
      for (const { vintage, k, ...figures } of points) {
        const key = basis === 'months_on_book' ? { months_on_book: k } : { month: monthLabel(k) };
        curves.set(vintage, [...(curves.get(vintage) ?? []), curvePointView(key, figures)]);
      }
      const vintages: Vintage[] = cohorts.map((c) => ({
        vintage: c.vintage,
        loan_count: c.loan_count,
        original_principal: formatMoney(c.original_principal) as string,
        outstanding: formatMoney(c.outstanding) as string,
        delinquency_rate: formatRate(c.delinquency_rate),
        default_rate: formatRate(c.default_rate),
        curve: curves.get(c.vintage) ?? [],
      }));
      return { portfolio_id: portfolioId, period, vintages };
    });
  }
}
