import { Injectable } from '@nestjs/common';
import type { Actor } from '../../common/auth/actor';
import { formatMoney, formatRate } from '../../common/money/decimal';
import { rows } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { PortfoliosService } from '../portfolios/portfolios.service';
import { METRIC_EXPRS } from './snapshot-sql';
import type { CurvePoint, Period, Vintage } from './vintage-curves';

const LABEL: Record<Period, string> = {
  month: `to_char(origination_date, 'YYYY-MM')`,
  quarter: `to_char(origination_date, 'YYYY-"Q"Q')`,
};

const MONTH_INDEX = (col: string) => `(extract(year FROM ${col})::int * 12 + extract(month FROM ${col})::int)`;

/** Cohort-level figures: today's §5 metrics of each cohort's loans (the shared aggregate). */
const cohortsSql = (period: Period) => `
  SELECT vintage, ${METRIC_EXPRS.total_loans} AS loan_count, ${METRIC_EXPRS.total_principal} AS original_principal,
         ${METRIC_EXPRS.total_outstanding} AS outstanding, ${METRIC_EXPRS.delinquency_rate} AS delinquency_rate,
         ${METRIC_EXPRS.default_rate} AS default_rate
    FROM (SELECT ${LABEL[period]} AS vintage, * FROM loans WHERE organization_id = $1 AND portfolio_id = $2) s
   GROUP BY vintage ORDER BY vintage`;

/**
 * Curve points (§4): each cohort loan's last snapshot of each calendar month, placed at its own
 * months on book; cumulative defaults count each loan once, from its first month-end in default.
 */
const curveSql = (period: Period) => `
  WITH cohort AS MATERIALIZED (
    SELECT id, original_principal, date_trunc('month', origination_date)::date AS orig_start, ${LABEL[period]} AS vintage, ${MONTH_INDEX('origination_date')} AS orig_month
      FROM loans WHERE organization_id = $1 AND portfolio_id = $2
  ), points AS (
    -- One probe per loan and month; each partition is one month, so each probe reads one
    -- partition's key index, however many days of snapshots the month holds.
    SELECT c.vintage, c.id, c.original_principal, e.principal_balance, e.days_past_due,
           ${MONTH_INDEX('e.snapshot_date')} - c.orig_month AS mob,
           (e.status IN ('defaulted', 'charged_off') OR e.days_past_due >= 120) AS in_default
      FROM cohort c
     CROSS JOIN LATERAL generate_series(0, ${MONTH_INDEX('current_date')} - c.orig_month) AS k
     CROSS JOIN LATERAL (
       SELECT s.snapshot_date, s.principal_balance, s.days_past_due, s.status
         FROM loan_snapshots s
        WHERE s.organization_id = $1 AND s.loan_id = c.id
          AND s.snapshot_date >= (c.orig_start + k * interval '1 month')::date
          AND s.snapshot_date < (c.orig_start + (k + 1) * interval '1 month')::date
        ORDER BY s.snapshot_date DESC LIMIT 1) e
  ), first_default AS (
    SELECT vintage, mob, sum(original_principal) AS principal
      FROM (SELECT vintage, id, min(original_principal) AS original_principal, min(mob) AS mob
              FROM points WHERE in_default AND mob >= 0 GROUP BY vintage, id) d
     GROUP BY vintage, mob
  ), sums AS (
    SELECT vintage, mob, sum(principal_balance) AS balance,
           coalesce(sum(principal_balance) FILTER (WHERE days_past_due >= 30), 0) AS dpd30
      FROM points WHERE mob >= 0 GROUP BY vintage, mob
  ), totals AS (SELECT vintage, sum(original_principal) AS p FROM cohort GROUP BY vintage)
  SELECT s.vintage, s.mob AS months_on_book, s.balance / t.p AS outstanding_ratio, s.dpd30 / t.p AS dpd_30_plus_rate,
         sum(coalesce(f.principal, 0)) OVER (PARTITION BY s.vintage ORDER BY s.mob) / t.p AS cumulative_default_rate
    FROM sums s JOIN totals t USING (vintage) LEFT JOIN first_default f USING (vintage, mob)
   ORDER BY s.vintage, s.mob`;

@Injectable()
export class VintagesService {
  constructor(
    private readonly db: TenantDb,
    private readonly portfolios: PortfoliosService,
  ) {}

  get(actor: Actor, portfolioId: string, period: Period) {
    return this.db.run(actor.org, async (m) => {
      await this.portfolios.require(m, portfolioId);
      // The plan's cost crosses the JIT threshold, and compiling takes longer than running it.
      await m.query(`SET LOCAL jit = off`);
      const cohorts = await rows<Omit<Vintage, 'curve'>>(m, cohortsSql(period), [actor.org, portfolioId]);
      const points = await rows<CurvePoint & { vintage: string }>(m, curveSql(period), [actor.org, portfolioId]);
      const curves = new Map<string, CurvePoint[]>();
      for (const p of points) {
        curves.set(p.vintage, [...(curves.get(p.vintage) ?? []), {
          months_on_book: p.months_on_book,
          outstanding_ratio: formatRate(p.outstanding_ratio) as string,
          dpd_30_plus_rate: formatRate(p.dpd_30_plus_rate) as string,
          cumulative_default_rate: formatRate(p.cumulative_default_rate) as string,
        }]);
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
