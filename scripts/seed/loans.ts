import type { SeedContext } from './context';
import { portfolioOfSql, SEED_PORTFOLIOS_SQL } from './portfolios';
import { SEED_PROGRAMS } from './programs';

const FIRST = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Maria', 'Wei', 'Aisha', 'Priya', 'Kenji'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Nguyen',
  "O'Connor", 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Patel', 'Kim'];
const COMPANY = ['Holdings LLC', 'Bakery Inc.', '& Sons', 'Logistics Co.', 'Dental Group', 'Auto Repair', 'Landscaping, Inc.', 'Cafe'];

/**
 * Per program (prime, near-prime, auto, small business), the knobs that shape the analytics:
 * how fast loans prepay (payoffs and partial curtailments: prime fastest, near-prime slowest,
 * small business in between), how often they default (risk), and how much of a charge-off is
 * recovered (auto has its collateral).
 */
export const PROGRAM_BEHAVIOUR = {
  prepay: [1.5, 0.6, 1.1, 1.0],
  risk: [0.5, 2.0, 0.8, 1.2],
  recovery: [0.25, 0.12, 0.45, 0.3],
} as const;
const PROGRAM_ORDER = [SEED_PROGRAMS.primePersonal, SEED_PROGRAMS.nearPrimePersonal, SEED_PROGRAMS.auto, SEED_PROGRAMS.smallBusiness];

/** A program's knob as SQL, from its program_id column. */
export const byProgramSql = (col: string, values: readonly number[]) =>
  `(CASE ${col} ${PROGRAM_ORDER.map((id, i) => `WHEN '${id}' THEN ${values[i]}`).join(' ')} END)`;

/**
 * The monthly share of its scheduled balance a loan pays ahead of schedule (a curtailment),
 * fixed per loan from its number so the history (scripts/seed/history.ts) retells it exactly.
 */
export const curtailmentSql = (loanNumber: string, prepay: string) => `(0.002 * ${prepay} * (hashtext(${loanNumber}) & 1023) / 1024.0)`;

const sqlArray = (xs: readonly string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ')}]`;

/**
 * Loans in one set-based INSERT … SELECT over generate_series: originations over the last
 * 24 months (more of them recently), four programs with their own terms, sizes, rates and
 * risk, balances amortising with age (delinquent loans behind schedule, performing ones a
 * little ahead by curtailments), and a seasoning-driven spread of payoffs, delinquency,
 * defaults and charge-offs (written off to a zero balance, partly recovered) by program.
 */
export async function seed(ctx: SeedContext): Promise<void> {
  if (ctx.loans === 0) return;
  const p = SEED_PROGRAMS;
  const res = await ctx.client.query(
    `INSERT INTO loans (organization_id, loan_number, borrower_name, program_id, currency, origination_date, maturity_date,
                        original_principal, principal_balance, interest_rate, term_months, days_past_due, status, next_payment_date,
                        charged_off_amount, recovered_amount, portfolio_id)
     WITH ${SEED_PORTFOLIOS_SQL}
     SELECT $1, loan_number, borrower_name, program_id, 'USD', orig, (orig + make_interval(months => term))::date,
            principal,
            -- A charge-off writes the balance off; a performing loan runs ahead of schedule by its curtailments.
            CASE WHEN status IN ('paid_off', 'charged_off') THEN 0
                 WHEN dpd = 0 THEN round(balance * (1 - ${curtailmentSql('loan_number', 'prepay')} * least(mob, term)), 2)
                 ELSE balance END,
            rate, term,
            CASE WHEN status = 'paid_off' THEN 0 ELSE dpd END, status,
            CASE WHEN status IN ('active', 'defaulted') THEN (orig + make_interval(months => paid + 1))::date END,
            CASE WHEN status = 'charged_off' THEN balance ELSE 0 END,
            -- Collections recover most of what they will in the first four months after the charge-off (at 180 dpd).
            CASE WHEN status = 'charged_off' THEN round(balance * recovery * least((dpd - 150) / 120.0, 1), 2) ELSE 0 END,
            ${portfolioOfSql(`CASE WHEN status = 'paid_off' THEN 0 ELSE dpd END`)}
       -- Each level ends in OFFSET 0 so the planner does not flatten it: flattened, every use of a
       -- derived column would repeat its whole expression (and its random() draws).
       FROM (
         SELECT *, 'LN-' || to_char(orig, 'YYMM') || '-' || lpad(i::text, greatest(7, length($2::text)), '0') AS loan_number,
                round((principal * CASE WHEN rate = 0 THEN 1 - paid::float8 / term
                  ELSE (power(1 + rate / 12, term) - power(1 + rate / 12, paid)) / (power(1 + rate / 12, term) - 1) END)::numeric, 2) AS balance
           FROM (
             SELECT *, greatest(least(mob, term - 1) - dpd / 30, 0) AS paid
               FROM (
                 SELECT i, orig, term, principal, rate::numeric AS rate, program_id, borrower_name, mob, prepay, recovery,
                        CASE WHEN mob >= term OR u_status < p_paid THEN 'paid_off'
                             WHEN u_status < p_paid + p_co THEN 'charged_off'
                             WHEN u_status < p_paid + p_co + p_def THEN 'defaulted'
                             ELSE 'active' END AS status,
                        CASE WHEN mob >= term OR u_status < p_paid THEN 0
                             WHEN u_status < p_paid + p_co THEN 180 + floor(u_days * 90)::int
                             WHEN u_status < p_paid + p_co + p_def THEN 90 + floor(u_days * 90)::int
                             WHEN mob = 0 OR u_dpd >= tail THEN 0
                             ELSE least(mob * 30, CASE WHEN u_dpd < tail * 0.5 THEN 1 + floor(u_days * 29)
                                                       WHEN u_dpd < tail * 0.75 THEN 30 + floor(u_days * 30)
                                                       WHEN u_dpd < tail * 0.88 THEN 60 + floor(u_days * 30)
                                                       WHEN u_dpd < tail * 0.96 THEN 90 + floor(u_days * 30)
                                                       ELSE 120 + floor(u_days * 60) END)::int END AS dpd
                   FROM (
                     SELECT *, least(0.008 * mob * prepay, 0.45) AS p_paid,
                            CASE WHEN mob >= 6 THEN 0.0012 * (mob - 5) * risk ELSE 0 END AS p_co,
                            CASE WHEN mob >= 4 THEN 0.0008 * (mob - 3) * risk ELSE 0 END AS p_def,
                            0.12 * risk AS tail
                       FROM (
                         SELECT i, orig, u_status, u_dpd, u_days,
                                (date_part('year', age(current_date, orig)) * 12 + date_part('month', age(current_date, orig)))::int AS mob,
                                (ARRAY['${p.primePersonal}', '${p.nearPrimePersonal}', '${p.auto}', '${p.smallBusiness}']::uuid[])[prog + 1] AS program_id,
                                (ARRAY[${PROGRAM_BEHAVIOUR.risk.join(', ')}])[prog + 1] AS risk,
                                (ARRAY[${PROGRAM_BEHAVIOUR.prepay.join(', ')}])[prog + 1] AS prepay,
                                (ARRAY[${PROGRAM_BEHAVIOUR.recovery.join(', ')}])[prog + 1] AS recovery,
                                CASE prog WHEN 0 THEN (ARRAY[36, 48, 60])[1 + floor(u_term * 3)::int]
                                          WHEN 1 THEN (ARRAY[24, 36])[1 + floor(u_term * 2)::int]
                                          WHEN 2 THEN (ARRAY[48, 60, 72])[1 + floor(u_term * 3)::int]
                                          ELSE (ARRAY[12, 24, 36])[1 + floor(u_term * 3)::int] END AS term,
                                (round(((ARRAY[5000, 2000, 12000, 25000])[prog + 1]
                                        + u_size * u_size * (ARRAY[35000, 13000, 43000, 225000])[prog + 1]) / 100) * 100)::numeric(18,2) AS principal,
                                round(((ARRAY[0.059, 0.139, 0.049, 0.089])[prog + 1] + u_rate * (ARRAY[0.05, 0.11, 0.07, 0.09])[prog + 1])::numeric, 4) AS rate,
                                CASE WHEN prog = 3
                                     THEN (${sqlArray(LAST)})[1 + floor(u_last * ${LAST.length})::int] || ' ' || (${sqlArray(COMPANY)})[1 + floor(u_first * ${COMPANY.length})::int]
                                     ELSE (${sqlArray(FIRST)})[1 + floor(u_first * ${FIRST.length})::int] || ' ' || (${sqlArray(LAST)})[1 + floor(u_last * ${LAST.length})::int]
                                END AS borrower_name
                           FROM (
                             -- Ages follow i (oldest first), so loan numbers arrive in index order.
                             SELECT i, (current_date - floor(730 * power(1 - (i - 0.5) / $2::float8, 0.8))::int) AS orig,
                                    CASE WHEN random() < 0.35 THEN 0 ELSE 1 + floor(random() * 3)::int END AS prog,
                                    random() AS u_status, random() AS u_dpd, random() AS u_days, random() AS u_term,
                                    random() AS u_size, random() AS u_rate, random() AS u_first, random() AS u_last
                               FROM generate_series(1, $2::int) AS g(i) OFFSET 0
                           ) draws
                        OFFSET 0) shaped
                    OFFSET 0) odds
                OFFSET 0) states
            OFFSET 0) scheduled
       ) l
     ON CONFLICT (organization_id, loan_number) DO NOTHING`,
    [ctx.org, ctx.loans],
  );
  const { rows: [placed] } = await ctx.client.query<{ vintages: number; dynamic: number }>(
    `SELECT count(*) FILTER (WHERE p.portfolio_type = 'static')::int AS vintages, count(*) FILTER (WHERE p.portfolio_type = 'dynamic')::int AS dynamic
       FROM loans l JOIN portfolios p ON p.organization_id = l.organization_id AND p.id = l.portfolio_id WHERE l.organization_id = $1`,
    [ctx.org],
  );
  ctx.log(`loans: ${res.rowCount} inserted, ${placed.vintages} in vintages, ${placed.dynamic} in dynamic portfolios`);
  await ctx.client.query('ANALYZE loans');
}
