// Read model: reads loans (owned by loans) for today's cohort figures and the month-end sums
// (owned by analytics) for the curves; it writes nothing itself (ensureMonthEnds is analytics').
import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { formatMoney, formatRate } from '../../common/money/decimal';
import { TenantDb } from '../../database/tenant-db';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { METRIC_EXPRS } from './snapshot-sql';
import { annualisedSql, div } from '../analytics/analytics-sql';
import { monthLabel } from '../analytics/loan-month';
import { ensureMonthEnds, managerExec } from '../analytics/month-ends';
import { Basis, CurvePoint, curvePointView, Period, Vintage } from './vintage-curves';

const LABEL: Record<Period, string> = {
  month: `to_char(origination_date, 'YYYY-MM')`,
  quarter: `to_char(origination_date, 'YYYY-"Q"Q')`,
};


/** Cohort-level figures: today's §5 metrics of each cohort's loans (the shared aggregate). */
export const cohortsSql = (period: Period) => `
  SELECT vintage, ${METRIC_EXPRS.total_loans} AS loan_count, ${METRIC_EXPRS.total_principal} AS original_principal,
         ${METRIC_EXPRS.total_outstanding} AS outstanding, ${METRIC_EXPRS.delinquency_rate} AS delinquency_rate,
         ${METRIC_EXPRS.default_rate} AS default_rate
    FROM (SELECT ${LABEL[period]} AS vintage, * FROM loans WHERE organization_id = $1 AND portfolio_id = $2) s
   GROUP BY vintage ORDER BY vintage`;

/** The cohort label of an origination month index `c` (as LABEL gives it from the date). */
const COHORT_LABEL: Record<Period, (c: string) => string> = {
  month: (c) => `to_char(make_date(${c} / 12, ${c} % 12 + 1, 1), 'YYYY-MM')`,
  quarter: (c) => `to_char(make_date(${c} / 12, ${c} % 12 + 1, 1), 'YYYY-"Q"Q')`,
};

/**
 * Curve points (§4, §11) from the month-end sums of portfolio $2 (month-end-sql.ts): a point
 * adds the sums of its cohort months at months on book m (or at the calendar month), from
 * origination on; the cumulative default rate adds up first defaults (each loan's original
 * principal once, at its first month-end in default). $3/$4: each cohort's P (text, numeric).
 */
export const curveSql = (period: Period, basis: Basis) => {
  const key = basis === 'months_on_book' ? 'mi - cohort_month' : 'mi';
  const ofP = (x: string) => div(x, 't.p');
  return `
  WITH s AS (
    SELECT ${COHORT_LABEL[period]('cohort_month')} AS vintage, ${key} AS k, sum(balance) AS balance,
           sum(dpd30) AS dpd30, sum(dpd60) AS dpd60, sum(dpd90) AS dpd90, sum(charged_off) - sum(recovered) AS net_loss,
           sum(unscheduled) AS su, sum(expected) AS se, sum(defaulted) AS sd, sum(active_b0) AS sa, sum(first_default_principal) AS fd
      FROM portfolio_month_sums
     WHERE organization_id = $1 AND portfolio_id = $2 AND mi >= cohort_month
     GROUP BY 1, 2
  ), totals AS (SELECT * FROM unnest($3::text[], $4::numeric[]) AS t(vintage, p))
  SELECT s.vintage, s.k, ${ofP('s.balance')} AS outstanding_ratio, ${ofP('s.dpd30')} AS dpd_30_plus_rate,
         ${ofP('sum(s.fd) OVER (PARTITION BY s.vintage ORDER BY s.k)')} AS cumulative_default_rate,
         ${div('s.su', 's.se')} AS smm, ${annualisedSql(div('s.su', 's.se'))} AS cpr,
         ${div('s.sd', 's.sa')} AS mdr, ${annualisedSql(div('s.sd', 's.sa'))} AS cdr,
         ${ofP('s.dpd60')} AS dpd_60_plus_rate, ${ofP('s.dpd90')} AS dpd_90_plus_rate,
         ${ofP('s.net_loss')} AS cumulative_net_loss_rate
    FROM s JOIN totals t USING (vintage)
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
      await ensureMonthEnds(managerExec(m), actor.org);
      const cohorts = await m.rows<Omit<Vintage, 'curve'>>(cohortsSql(period), [actor.org, portfolioId]);
      // Every month-end up to this one (the unfinished month counts with its latest snapshot).
      const points = await m.rows<Record<string, string | null> & { vintage: string; k: number }>(curveSql(period, basis), [
        actor.org, portfolioId, cohorts.map((c) => c.vintage), cohorts.map((c) => c.original_principal),
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
