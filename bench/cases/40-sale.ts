import { randomUUID } from 'node:crypto';
import type { BenchCase } from '../lib';

const PROGRAM = '0b6c3a52-3f4e-4d7c-9a1b-2c3d4e5f6a7b';

/** Two identical portfolios of n loans in a fresh organization: one sold over HTTP, one by the floor SQL. */
function setupSql(org: string, investor: string, portfolios: string[], n: number): string {
  return `
    SELECT set_config('app.org_id', '${org}', false);
    INSERT INTO investors (id, name, investor_type) VALUES ('${investor}', 'Bench buyer', 'fund');
    ${portfolios
      .map(
        (p, i) => `
    INSERT INTO portfolios (id, name, portfolio_type) VALUES ('${p}', 'bench-sale-${i}', 'static');
    INSERT INTO loans (loan_number, borrower_name, program_id, origination_date, original_principal, principal_balance,
                       interest_rate, term_months, portfolio_id)
    SELECT 'S${i}-' || g, 'Borrower ' || g, '${PROGRAM}', date '2024-01-01' + (g % 700), 10000,
           (1000 + g % 9000) + (g % 100) / 100.0, 0.075, 36, '${p}'
      FROM generate_series(1, ${n}) g;`,
      )
      .join('\n')}
    ANALYZE loans;`;
}

/** The sale's essential work done directly: the same INSERT … SELECT and the portfolio update. */
function floorSql(org: string, investor: string, portfolio: string): string {
  return `
    BEGIN;
    SELECT set_config('app.org_id', '${org}', true);
    SELECT 1 FROM portfolios WHERE id = '${portfolio}' FOR UPDATE;
    WITH ins AS (
      INSERT INTO loan_assignments (loan_id, investor_id, ownership_pct, purchase_price, effective_date)
      SELECT l.id, '${investor}', 100, round(l.principal_balance * 98.50 / 100, 2), '2026-03-31'
        FROM loans l WHERE l.organization_id = '${org}' AND l.portfolio_id = '${portfolio}'
      RETURNING purchase_price)
    SELECT count(*), sum(purchase_price) FROM ins;
    UPDATE portfolios SET status = 'sold', investor_id = '${investor}', sold_at = '2026-03-31', version = version + 1
     WHERE id = '${portfolio}';
    COMMIT;`;
}

const bench: BenchCase = {
  name: 'sale',
  async run(ctx) {
    const n = Math.min(ctx.loans, 50_000);
    const org = randomUUID();
    const investor = randomUUID();
    const [viaHttp, viaSql] = [randomUUID(), randomUUID()];
    ctx.psql(setupSql(org, investor, [viaHttp, viaSql], n));

    const token = ctx.server.token(org, 'admin');
    const { ms, value } = await ctx.time(() =>
      ctx.fetchJson(token, 'POST', `/portfolios/${viaHttp}/sell`, { investor_id: investor, sale_date: '2026-03-31', price_pct: '98.50' }),
    );
    if (value.status !== 200) throw new Error(`sale answered ${value.status}: ${JSON.stringify(value.body)}`);

    const floorMs = ctx.psql(floorSql(org, investor, viaSql));
    const floorTotal = ctx.psqlOut(`SELECT sum(a.purchase_price) FROM loan_assignments a JOIN loans l ON l.id = a.loan_id WHERE l.portfolio_id = '${viaSql}'`);
    if (floorTotal !== value.body.sale_price) throw new Error(`sale_price ${value.body.sale_price} differs from the floor's ${floorTotal}`);

    return [
      {
        case: `sell a ${n}-loan portfolio`,
        service_ms: ms,
        floor_ms: floorMs,
        target: { maxMs: 2000 },
        extra: { loans: n, sale_price: value.body.sale_price },
      },
    ];
  },
};

export default bench;
