import { randomUUID } from 'node:crypto';
import {
  LOAN_SNAPSHOT_COLUMNS, LOAN_SNAPSHOT_FROM_LOANS, METRIC_COLUMNS, METRIC_SELECT, METRIC_UPSERT,
} from '../../src/modules/snapshots/snapshot-sql';
import { BenchCase, progressTrail } from '../lib';

const PORTFOLIOS = 100;

/**
 * Daily snapshot run over ctx.loans loans in 100 portfolios, in an organization of its own.
 * Service = POST /snapshot-runs to job completed. Floor = the same replace-then-insert
 * statements run by psql into copies of the two tables (same columns, indexes and partitioning).
 */
const snapshotRun: BenchCase = {
  name: 'snapshot-run',
  async run(ctx) {
    const org = randomUUID();
    const token = ctx.server.token(org, 'admin');
    const today = new Date().toISOString().slice(0, 10);
    ctx.psql(`
      INSERT INTO organizations (id) VALUES ('${org}');
      SET app.org_id = '${org}';
      INSERT INTO portfolios (name, portfolio_type, status)
      SELECT 'Bench snapshots ' || g, 'static', CASE WHEN g % 10 = 0 THEN 'sold' ELSE 'active' END FROM generate_series(1, ${PORTFOLIOS}) g;
      WITH p AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM portfolios WHERE organization_id = '${org}')
      INSERT INTO loans (loan_number, borrower_name, program_id, origination_date, original_principal, principal_balance,
                         interest_rate, term_months, days_past_due, status, next_payment_date, portfolio_id)
      SELECT 'SR-' || lpad(g::text, 8, '0'), 'Borrower ' || g, '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b', date '2023-01-01' + (g % 900),
             10000 + (g % 5000), CASE WHEN g % 50 = 0 THEN 0 ELSE 2000 + (g % 7919) END, 0.05 + (g % 100) / 1000.0, 12 + (g % 49),
             CASE WHEN g % 50 = 0 THEN 0 WHEN g % 13 = 0 THEN (g % 200) ELSE 0 END,
             CASE WHEN g % 50 = 0 THEN 'paid_off' WHEN g % 97 = 0 THEN 'defaulted' ELSE 'active' END,
             date '${today}' + (g % 28), p.id
        FROM generate_series(1, ${ctx.loans}) g JOIN p ON p.n = g % ${PORTFOLIOS};
      VACUUM ANALYZE loans, portfolios;`);

    // Issue 14.5: the run reports progress per chunk of loans; the trail of values polled is noted.
    const trail = progressTrail();
    const service = await ctx.time(async () => {
      const res = await ctx.fetchJson(token, 'POST', '/snapshot-runs', {});
      if (res.status !== 202) throw new Error(`snapshot-runs: ${JSON.stringify(res.body)}`);
      return ctx.waitJob(token, res.body.status_url, undefined, trail.onPoll);
    });
    const result = service.value.result as { loan_snapshots: number; portfolio_snapshots: number };
    if (result.loan_snapshots !== ctx.loans || result.portfolio_snapshots !== PORTFOLIOS) {
      throw new Error(`unexpected result ${JSON.stringify(result)}`);
    }

    const month = today.slice(0, 7) + '-01';
    ctx.psql(`
      DROP TABLE IF EXISTS floor_loan_snapshots, floor_portfolio_snapshots;
      CREATE TABLE floor_loan_snapshots (LIKE loan_snapshots INCLUDING ALL) PARTITION BY RANGE (snapshot_date);
      CREATE TABLE floor_loan_snapshots_m PARTITION OF floor_loan_snapshots
        FOR VALUES FROM ('${month}') TO ('${month}'::date + interval '1 month');
      CREATE TABLE floor_portfolio_snapshots (LIKE portfolio_snapshots INCLUDING ALL);`);
    const floorMs = ctx.psql(`
      BEGIN;
      SET LOCAL app.org_id = '${org}';
      PREPARE ls(uuid, date) AS INSERT INTO floor_loan_snapshots (${LOAN_SNAPSHOT_COLUMNS})
        SELECT ${LOAN_SNAPSHOT_FROM_LOANS} FROM loans WHERE organization_id = $1;
      PREPARE ps(uuid, date) AS INSERT INTO floor_portfolio_snapshots (portfolio_id, snapshot_date, ${METRIC_COLUMNS.join(', ')})
        SELECT p.id, $2::date, ${METRIC_SELECT}
          FROM portfolios p
          LEFT JOIN floor_loan_snapshots s ON s.organization_id = p.organization_id AND s.portfolio_id = p.id AND s.snapshot_date = $2
         WHERE p.organization_id = $1 AND p.status IN ('active', 'sold')
         GROUP BY p.id
        ${METRIC_UPSERT};
      DELETE FROM floor_loan_snapshots WHERE organization_id = '${org}' AND snapshot_date = '${today}';
      EXECUTE ls('${org}', '${today}');
      EXECUTE ps('${org}', '${today}');
      COMMIT;`);
    ctx.psql(`DROP TABLE IF EXISTS floor_loan_snapshots, floor_portfolio_snapshots;`);
    return [
      {
        case: `snapshot run ${ctx.loans} loans, ${PORTFOLIOS} portfolios`,
        service_ms: service.ms,
        floor_ms: floorMs,
        target: { factor: 1.5, slackMs: 500 },
        extra: { loan_snapshots: result.loan_snapshots, portfolio_snapshots: result.portfolio_snapshots, progress_seen: trail.seen() },
      },
    ];
  },
};

export default snapshotRun;
