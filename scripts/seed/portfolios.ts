import type { SeedContext } from './context';
import { SEED_PROGRAMS } from './programs';

const PROGRAM_NAMES: [string, string][] = [
  ['Prime Personal', SEED_PROGRAMS.primePersonal],
  ['Near-Prime Personal', SEED_PROGRAMS.nearPrimePersonal],
  ['Auto', SEED_PROGRAMS.auto],
  ['Small Business', SEED_PROGRAMS.smallBusiness],
];

/**
 * Portfolios as a capital-markets desk keeps them: one static portfolio per program and
 * half-year vintage (criteria kept as documentation), two dynamic portfolios, and one archived
 * portfolio. Created before the loans, which are inserted already assigned (portfolioOfSql):
 * a second pass over a million loans to set portfolio_id would rewrite every row and index entry.
 */
export async function seed(ctx: SeedContext): Promise<void> {
  const programs = PROGRAM_NAMES.map(([name, id]) => `('${name}', '${id}'::uuid)`).join(', ');
  const created = await ctx.client.query(
    `INSERT INTO portfolios (name, description, portfolio_type, criteria)
     SELECT p.name || ' ' || to_char(d, 'YYYY') || CASE WHEN extract(month FROM d) <= 6 THEN ' H1' ELSE ' H2' END,
            'Seeded vintage portfolio', 'static',
            jsonb_build_object('program_id', p.id, 'origination_date_start', d::date,
                               'origination_date_end', (d + interval '6 months' - interval '1 day')::date)
       FROM (VALUES ${programs}) p(name, id)
      CROSS JOIN generate_series(date_trunc('year', current_date) - interval '24 months', current_date, interval '6 months') d`,
  );
  await ctx.client.query(
    `INSERT INTO portfolios (name, description, portfolio_type, criteria) VALUES
       ('Auto watchlist', 'Unassigned active auto loans', 'dynamic',
        jsonb_build_object('program_id', $1::text, 'statuses', jsonb_build_array('active'))),
       ('High-rate current', 'Unassigned current loans at 15 % or more', 'dynamic',
        '{"min_interest_rate": "0.15", "max_days_past_due": 0}'::jsonb)`,
    [SEED_PROGRAMS.auto],
  );
  await ctx.client.query(
    `INSERT INTO portfolios (name, description, portfolio_type, status, archived_at)
     VALUES ('Legacy pilot (archived)', 'Closed pilot book', 'static', 'archived', now())`,
  );
  ctx.log(`portfolios: ${created.rowCount! + 3} portfolios`);
}

/**
 * The portfolio a new loan (columns of a row aliased `l`: loan_number, program_id, orig,
 * status, rate; `dpd` its days past due) goes into: its program's vintage for its origination date, but
 * a deterministic tenth of each vintage stays unassigned (for auto-assign and transfer demos);
 * those a dynamic portfolio's criteria take go there (the first by name); the rest none.
 * `sp` is SEED_PORTFOLIOS_SQL.
 */
export const portfolioOfSql = (dpd: string) => `(SELECT sp.id FROM sp
   WHERE CASE WHEN sp.portfolio_type = 'static'
              THEN sp.program_id = l.program_id AND l.orig BETWEEN sp.orig_start AND sp.orig_end AND abs(hashtext(l.loan_number)) % 10 <> 0
              ELSE (sp.program_id IS NULL OR sp.program_id = l.program_id) AND (sp.min_rate IS NULL OR l.rate >= sp.min_rate)
               AND (sp.max_dpd IS NULL OR ${dpd} <= sp.max_dpd) AND (sp.statuses IS NULL OR l.status = ANY (sp.statuses)) END
   ORDER BY sp.portfolio_type = 'dynamic', sp.name LIMIT 1)`;

/** The organization's active portfolios with their criteria typed, for portfolioOfSql ($1 the organization). */
export const SEED_PORTFOLIOS_SQL = `sp AS MATERIALIZED (
   SELECT id, name, portfolio_type, (criteria->>'program_id')::uuid AS program_id,
          (criteria->>'origination_date_start')::date AS orig_start, (criteria->>'origination_date_end')::date AS orig_end,
          (criteria->>'min_interest_rate')::numeric AS min_rate, (criteria->>'max_days_past_due')::int AS max_dpd,
          CASE WHEN criteria ? 'statuses' THEN ARRAY(SELECT jsonb_array_elements_text(criteria->'statuses')) END AS statuses
     FROM portfolios WHERE organization_id = $1 AND status = 'active' AND criteria IS NOT NULL)`;
