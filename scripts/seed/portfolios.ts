import type { SeedContext } from './context';
import { SEED_PROGRAMS } from './loans';

const PROGRAM_NAMES: [string, string][] = [
  ['Prime Personal', SEED_PROGRAMS.primePersonal],
  ['Near-Prime Personal', SEED_PROGRAMS.nearPrimePersonal],
  ['Auto', SEED_PROGRAMS.auto],
  ['Small Business', SEED_PROGRAMS.smallBusiness],
];

/**
 * Portfolios as a capital-markets desk keeps them: one static portfolio per program and
 * half-year vintage (criteria kept as documentation), about 90 % of each vintage assigned,
 * two dynamic portfolios filled by their criteria, and one archived portfolio. Set-based.
 */
export async function seed(ctx: SeedContext): Promise<void> {
  const { client, org } = ctx;
  const programs = PROGRAM_NAMES.map(([name, id]) => `('${name}', '${id}'::uuid)`).join(', ');
  const created = await client.query(
    `INSERT INTO portfolios (name, description, portfolio_type, criteria)
     SELECT p.name || ' ' || to_char(d, 'YYYY') || CASE WHEN extract(month FROM d) <= 6 THEN ' H1' ELSE ' H2' END,
            'Seeded vintage portfolio', 'static',
            jsonb_build_object('program_id', p.id, 'origination_date_start', d::date,
                               'origination_date_end', (d + interval '6 months' - interval '1 day')::date)
       FROM (VALUES ${programs}) p(name, id)
      CROSS JOIN generate_series(date_trunc('year', current_date) - interval '24 months', current_date, interval '6 months') d
     RETURNING id`,
  );
  // A deterministic tenth of each vintage stays unassigned, for auto-assign and transfer demos.
  const assigned = await client.query(
    `UPDATE loans l SET portfolio_id = p.id
       FROM portfolios p
      WHERE l.organization_id = $1 AND p.organization_id = $1 AND p.portfolio_type = 'static'
        AND l.portfolio_id IS NULL
        AND l.program_id = (p.criteria->>'program_id')::uuid
        AND l.origination_date BETWEEN (p.criteria->>'origination_date_start')::date AND (p.criteria->>'origination_date_end')::date
        AND abs(hashtext(l.id::text)) % 10 <> 0`,
    [org],
  );
  await client.query(
    `INSERT INTO portfolios (name, description, portfolio_type, criteria) VALUES
       ('Auto watchlist', 'Unassigned active auto loans', 'dynamic',
        jsonb_build_object('program_id', $1::text, 'statuses', jsonb_build_array('active'))),
       ('High-rate current', 'Unassigned current loans at 15 % or more', 'dynamic',
        '{"min_interest_rate": "0.15", "max_days_past_due": 0}'::jsonb)`,
    [SEED_PROGRAMS.auto],
  );
  const dynamic = await client.query(
    `UPDATE loans l SET portfolio_id = p.id
       FROM portfolios p
      WHERE l.organization_id = $1 AND p.organization_id = $1 AND p.portfolio_type = 'dynamic' AND l.portfolio_id IS NULL
        AND (p.criteria->>'program_id' IS NULL OR l.program_id = (p.criteria->>'program_id')::uuid)
        AND (p.criteria->>'min_interest_rate' IS NULL OR l.interest_rate >= (p.criteria->>'min_interest_rate')::numeric)
        AND (p.criteria->>'max_days_past_due' IS NULL OR l.days_past_due <= (p.criteria->>'max_days_past_due')::int)
        AND (p.criteria->'statuses' IS NULL OR l.status IN (SELECT jsonb_array_elements_text(p.criteria->'statuses')))`,
    [org],
  );
  await client.query(
    `INSERT INTO portfolios (name, description, portfolio_type, status, archived_at)
     VALUES ('Legacy pilot (archived)', 'Closed pilot book', 'static', 'archived', now())`,
  );
  ctx.log(
    `portfolios: ${created.rowCount! + 3} portfolios, ${assigned.rowCount} loans in vintages, ${dynamic.rowCount} in dynamic portfolios`,
  );
}
