import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { seedSavings } from '../../scripts/seed/savings';
import { ACCRUAL_SQL } from '../../src/modules/savings/accrual.sql';
import { pageWindow } from '../../src/modules/savings/page-window';
import { PAGE_COUNT_SQL, pageSql } from '../../src/modules/savings/views.service';
import type { BenchCase, BenchContext, BenchRow } from '../lib';

// 1.25 accounts per client on average: 800 000 clients are 1 000 000 accounts.
const CLIENTS = Number(process.env.BENCH_SAVINGS_CLIENTS ?? 800_000);
const INSTRUCTIONS = Number(process.env.BENCH_SAVINGS_INSTRUCTIONS ?? 100_000);
const PAGE_SIZE = 50;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `n` due new-account deposits, one per portfolio, tagged so the two batches never overlap.
 * Every measured run (service or floor) starts on vacuumed tables after a CHECKPOINT, so neither
 * pays for the other's (or the accrual's) dead row versions, dirty pages and first-touch
 * full-page WAL images: the accrual runs just before bump every portfolio's version twice.
 */
function dueDeposits(org: string, n: number, tag: string): string {
  return `
    INSERT INTO savings_instructions (organization_id, instruction_reference, request_fingerprint, kind, client_id, portfolio_id,
                                      currency_code, amount, product_id, product_version, date_to_be_actioned)
    SELECT '${org}', '${tag}-' || pf.id, '${tag}', 'deposit', pf.client_id, pf.id, 'GBP', 500 + pf.id % 1000, pr.id, 1,
           now() - interval '1 minute'
      FROM (SELECT * FROM savings_portfolios WHERE organization_id = '${org}' ORDER BY id LIMIT ${n}) pf
      CROSS JOIN (SELECT id FROM savings_products WHERE organization_id = '${org}' AND product_type = 'instant_access'
                   ORDER BY id LIMIT 1) pr;
    VACUUM ANALYZE savings_instructions, savings_portfolios, savings_accounts;
    CHECKPOINT;`;
}

/** Puts every open account one day behind, as it is each morning before the daily run. */
const oneDayBehind = (org: string) => `
  UPDATE savings_accounts SET accrued_until = (now() AT TIME ZONE 'UTC')::date - 1
   WHERE organization_id = '${org}' AND status = 'open';
  VACUUM ANALYZE savings_accounts;
  CHECKPOINT;`;

/** The paged view, page 1 and the last page; floor = the same two statements through psql as the application role. */
async function pagedView(ctx: BenchContext, org: string, token: string, total: number, accounts: number): Promise<BenchRow[]> {
  const lastPage = Math.ceil(total / PAGE_SIZE);
  const rows: BenchRow[] = [];
  for (const page of [1, lastPage]) {
    const path = `/financial-partners/portfolios?PageNumber=${page}&PageSize=${PAGE_SIZE}`;
    await ctx.fetchJson(token, 'GET', path);
    const times: number[] = [];
    let items = 0;
    for (let i = 0; i < 7; i++) {
      const r = await ctx.time(() => ctx.fetchJson(token, 'GET', path));
      if (r.value.status !== 200) throw new Error(`page ${page}: ${JSON.stringify(r.value.body)}`);
      items = r.value.body.portfolioInformation.length;
      times.push(r.ms);
    }
    const w = pageWindow(total, page, PAGE_SIZE);
    const floors: number[] = [];
    for (let i = 0; i < 5; i++) {
      floors.push(
        ctx.psql(`
          SET ROLE portfolio_app;
          BEGIN;
          SET LOCAL app.org_id = '${org}';
          PREPARE c(uuid) AS ${PAGE_COUNT_SQL};
          PREPARE p(uuid, int, int) AS ${pageSql(w.fromEnd)};
          EXECUTE c('${org}');
          EXECUTE p('${org}', ${w.limit}, ${w.offset});
          COMMIT;`),
      );
    }
    rows.push({
      case: `savings paged view, page ${page} of ${lastPage} (${total} portfolios, ${accounts} open accounts)`,
      service_ms: median(times),
      floor_ms: median(floors),
      target: { maxMs: 50 },
      extra: { items },
    });
  }
  return rows;
}

/** The daily accrual run over every open account (one day each); floor = the same statement in psql. */
async function accrual(ctx: BenchContext, org: string, token: string, accounts: number): Promise<BenchRow> {
  ctx.psql(oneDayBehind(org));
  ctx.server.resetPeakRss();
  const service = await ctx.time(async () => {
    const res = await ctx.fetchJson(token, 'POST', '/financial-partners/interest-accruals/process');
    if (res.status !== 202) throw new Error(`accrual: ${JSON.stringify(res.body)}`);
    return ctx.waitJob(token, res.body.statusUrl);
  });
  const rssMb = ctx.server.peakRssMb();
  const accrued = (service.value.result as { accounts: number }).accounts;
  if (accrued !== accounts) throw new Error(`accrued ${accrued} accounts, expected ${accounts}`);

  ctx.psql(oneDayBehind(org));
  const today = ctx.psqlOut(`SELECT (now() AT TIME ZONE 'UTC')::date`);
  const floorMs = ctx.psql(`
    SET ROLE portfolio_app;
    BEGIN;
    SET LOCAL app.org_id = '${org}';
    SET LOCAL jit = off;
    PREPARE a(uuid, date, text, bigint[]) AS ${ACCRUAL_SQL};
    EXECUTE a('${org}', '${today}', 'floor', NULL);
    COMMIT;`);
  return {
    case: `savings daily accrual run, ${accounts} open accounts`,
    service_ms: service.ms,
    floor_ms: floorMs,
    target: { factor: 2 },
    extra: { server_peak_rss_mb: rssMb },
  };
}

/**
 * A settlement run of n due instructions (POST → job completed); floor = the same
 * per-instruction function in a psql DO loop that commits after each, i.e. the work without
 * HTTP, queue or pool.
 */
async function settlement(ctx: BenchContext, org: string, token: string, n: number): Promise<BenchRow> {
  ctx.psql(dueDeposits(org, n, 'bench-service'));
  ctx.server.resetPeakRss();
  const service = await ctx.time(async () => {
    const res = await ctx.fetchJson(token, 'POST', '/financial-partners/instruction-batches/process');
    if (res.status !== 202) throw new Error(`settlement: ${JSON.stringify(res.body)}`);
    return ctx.waitJob(token, res.body.statusUrl, 3_600_000);
  });
  const rssMb = ctx.server.peakRssMb();
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
  return {
    case: `savings settlement of ${n} instructions`,
    service_ms: service.ms,
    floor_ms: floorMs,
    target: { factor: 2 },
    extra: { per_second: Math.round(n / (service.ms / 1000)), server_peak_rss_mb: rssMb },
  };
}

/** Savings at scale (BENCH_SAVINGS_CLIENTS clients, about 1.25 open accounts each). */
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
      await seedSavings(client, CLIENTS, { accrue: false, log: (m) => process.stdout.write(`  ${m}\n`) });
    } finally {
      await client.end();
    }
    ctx.psql('VACUUM ANALYZE savings_clients, savings_portfolios, savings_accounts, savings_instructions, savings_movements;');
    const total = Number(ctx.psqlOut(`SELECT count(*) FROM savings_portfolios WHERE organization_id = '${org}'`));
    const open = Number(ctx.psqlOut(`SELECT count(*) FROM savings_accounts WHERE organization_id = '${org}' AND status = 'open'`));

    const rows = await pagedView(ctx, org, token, total, open);
    rows.push(await accrual(ctx, org, token, open));
    rows.push(await settlement(ctx, org, token, Math.min(INSTRUCTIONS, total)));
    return rows;
  },
};

export default savings;
