import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { seedSavings } from '../../scripts/seed/savings';
import { PAGE_COUNT_SQL, PAGE_SQL } from '../../src/modules/savings/views.service';
import type { BenchCase, BenchContext, BenchRow } from '../lib';

const CLIENTS = Number(process.env.BENCH_SAVINGS_CLIENTS ?? 100_000);
const INSTRUCTIONS = Number(process.env.BENCH_SAVINGS_INSTRUCTIONS ?? 10_000);
const PAGE_SIZE = 50;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `n` due new-account deposits, one per portfolio, tagged so the two batches never overlap. */
function dueDeposits(org: string, n: number, tag: string): string {
  return `
    INSERT INTO savings_instructions (organization_id, instruction_reference, request_fingerprint, kind, client_id, portfolio_id,
                                      currency_code, amount, product_id, product_version, date_to_be_actioned)
    SELECT '${org}', '${tag}-' || pf.id, '${tag}', 'deposit', pf.client_id, pf.id, 'GBP', 500 + pf.id % 1000, pr.id, 1,
           now() - interval '1 minute'
      FROM (SELECT * FROM savings_portfolios WHERE organization_id = '${org}' ORDER BY id LIMIT ${n}) pf
      CROSS JOIN (SELECT id FROM savings_products WHERE organization_id = '${org}' AND product_type = 'instant_access'
                   ORDER BY id LIMIT 1) pr;
    VACUUM ANALYZE savings_instructions;`;
}

/**
 * Savings at scale: the paged portfolio view at CLIENTS clients (page 1 and the last page;
 * floor = the same two statements through psql as the application role), and a settlement
 * run of INSTRUCTIONS due instructions (POST → job completed; floor = the same per-instruction
 * function in a psql DO loop that commits after each, i.e. the work without HTTP, queue or pool).
 */
const savings: BenchCase = {
  name: 'savings',
  async run(ctx: BenchContext) {
    const org = randomUUID();
    const token = ctx.server.token(org, 'admin');
    ctx.psql(`INSERT INTO organizations (id) VALUES ('${org}');`);
    const client = new Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    try {
      await client.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
      await seedSavings(client, CLIENTS, { accrue: false });
    } finally {
      await client.end();
    }
    ctx.psql('VACUUM ANALYZE savings_clients, savings_portfolios, savings_accounts, savings_instructions, savings_movements;');
    const total = Number(ctx.psqlOut(`SELECT count(*) FROM savings_portfolios WHERE organization_id = '${org}'`));
    const lastPage = Math.ceil(total / PAGE_SIZE);

    const rows: BenchRow[] = [];
    for (const page of [1, lastPage]) {
      const path = `/financial-partners/portfolios?PageNumber=${page}&PageSize=${PAGE_SIZE}`;
      await ctx.fetchJson(token, 'GET', path);
      const times: number[] = [];
      let items = 0;
      for (let i = 0; i < 5; i++) {
        const r = await ctx.time(() => ctx.fetchJson(token, 'GET', path));
        if (r.value.status !== 200) throw new Error(`page ${page}: ${JSON.stringify(r.value.body)}`);
        items = r.value.body.portfolioInformation.length;
        times.push(r.ms);
      }
      const floors: number[] = [];
      for (let i = 0; i < 5; i++) {
        floors.push(
          ctx.psql(`
            SET ROLE portfolio_app;
            BEGIN;
            SET LOCAL app.org_id = '${org}';
            PREPARE c(uuid) AS ${PAGE_COUNT_SQL};
            PREPARE p(uuid, int, int) AS ${PAGE_SQL};
            EXECUTE c('${org}');
            EXECUTE p('${org}', ${PAGE_SIZE}, ${(page - 1) * PAGE_SIZE});
            COMMIT;`),
        );
      }
      rows.push({
        case: `savings paged view, page ${page} of ${lastPage} (${total} portfolios)`,
        service_ms: median(times),
        floor_ms: median(floors),
        target: { factor: 2, slackMs: 50 },
        extra: { items },
      });
    }

    const n = Math.min(INSTRUCTIONS, total);
    ctx.psql(dueDeposits(org, n, 'bench-service'));
    const service = await ctx.time(async () => {
      const res = await ctx.fetchJson(token, 'POST', '/financial-partners/instruction-batches/process');
      if (res.status !== 202) throw new Error(`settlement: ${JSON.stringify(res.body)}`);
      return ctx.waitJob(token, res.body.statusUrl);
    });
    const processed = (service.value.result as { processed: number }).processed;
    if (processed !== n) throw new Error(`settled ${processed}, expected ${n}`);

    ctx.psql(dueDeposits(org, n, 'bench-floor'));
    const floorMs = ctx.psql(`
      SET ROLE portfolio_app;
      SET app.org_id = '${org}';
      DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT id FROM savings_instructions
                  WHERE organization_id = app_org() AND status = 'Created' AND date_to_be_actioned <= now() ORDER BY id LOOP
          PERFORM savings_settle_instruction(r.id, 'floor');
          COMMIT;
        END LOOP;
      END $$;`);
    rows.push({
      case: `savings settlement of ${n} instructions`,
      service_ms: service.ms,
      floor_ms: floorMs,
      target: { factor: 3, slackMs: 1000 },
      extra: { per_second: Math.round(n / (service.ms / 1000)) },
    });
    return rows;
  },
};

export default savings;
