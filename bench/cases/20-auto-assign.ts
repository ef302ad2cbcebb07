import { randomUUID } from 'node:crypto';
import type { BenchCase } from '../lib';

const MATCH = 'a1a1a1a1-0000-4000-8000-000000000020';
const OTHER = 'b2b2b2b2-0000-4000-8000-000000000020';

/**
 * Auto-assign: 1 in 20 loans matches (50 000 of 1 000 000). Service = POST /auto-assign to
 * job completed. Floor = the same UPDATE run by psql on the same table, after a reset.
 */
const autoAssign: BenchCase = {
  name: 'auto-assign',
  async run(ctx) {
    const org = randomUUID();
    const token = ctx.server.token(org, 'admin');
    ctx.psql(`
      INSERT INTO organizations (id) VALUES ('${org}');
      INSERT INTO loans (organization_id, loan_number, borrower_name, program_id, currency, origination_date,
                         original_principal, principal_balance, interest_rate, term_months, days_past_due, status)
      SELECT '${org}', 'AA-' || lpad(g::text, 8, '0'), 'Borrower ' || g,
             (CASE WHEN g % 20 = 0 THEN '${MATCH}' ELSE '${OTHER}' END)::uuid, 'USD',
             date '2024-01-01' + (g % 700), 10000, 8000 + (g % 997), 0.07, 36, 0, 'active'
        FROM generate_series(1, ${ctx.loans}) g;
      VACUUM ANALYZE loans;`);
    const expected = Math.floor(ctx.loans / 20);

    const created = await ctx.fetchJson(token, 'POST', '/portfolios', {
      name: 'Bench auto-assign',
      portfolio_type: 'dynamic',
      criteria: { program_id: MATCH },
    });
    if (created.status !== 201) throw new Error(`create portfolio: ${JSON.stringify(created.body)}`);
    const pid = created.body.id as string;

    const service = await ctx.time(async () => {
      const res = await ctx.fetchJson(token, 'POST', `/portfolios/${pid}/auto-assign`);
      if (res.status !== 202) throw new Error(`auto-assign: ${JSON.stringify(res.body)}`);
      return ctx.waitJob(token, res.body.status_url);
    });
    const assigned = (service.value.result as { assigned: number }).assigned;
    if (assigned !== expected) throw new Error(`assigned ${assigned}, expected ${expected}`);

    ctx.psql(`UPDATE loans SET portfolio_id = NULL WHERE organization_id = '${org}' AND portfolio_id = '${pid}'; VACUUM ANALYZE loans;`);
    const floorMs = ctx.psql(`
      BEGIN;
      SET LOCAL app.org_id = '${org}';
      UPDATE loans l SET portfolio_id = '${pid}', version = l.version + 1, updated_at = now()
       WHERE l.organization_id = '${org}' AND l.portfolio_id IS NULL AND l.program_id = '${MATCH}'::uuid;
      COMMIT;`);
    return [
      {
        case: `auto-assign ${expected} of ${ctx.loans}`,
        service_ms: service.ms,
        floor_ms: floorMs,
        target: { factor: 1.5, slackMs: 500 },
        extra: { assigned },
      },
    ];
  },
};

export default autoAssign;
