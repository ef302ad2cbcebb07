import { DELINQUENCY_BUCKETS, LOAN_STATUSES } from '../loans/loan-states';

/**
 * The loan-tape column catalog: each column's wire type, description and the SQL that reads it,
 * once for a live tape (today's loans) and once for a past tape (that date's loan snapshots,
 * joined to loans for the fields snapshots do not keep). Pure data and string builders.
 *
 * Aliases the expressions may use: `l` loans, `s` loan_snapshots (past tapes only), `p` the
 * loan's portfolio, `a` the loan's largest active assignment. `:asof_month` is the as-of date's
 * month index (year × 12 + month) and `:asof` the as-of date literal; the query builder fills both.
 */
const oneOf = (values: readonly string[]) => `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;

export type TapeColumnType = 'uuid' | 'string' | 'enum' | 'date' | 'datetime' | 'money' | 'rate' | 'decimal' | 'integer';

export interface TapeColumn {
  name: string;
  type: TapeColumnType;
  description: string;
  live: string;
  snapshot: string;
  /** Joins the column needs beyond loans (and snapshots). */
  needs?: 'portfolio' | 'assignment';
}

import { scheduledPrincipalSql } from '../analytics/scheduled-principal-sql';

const MOB_LIVE = `greatest(:asof_month - (extract(year from l.origination_date)::int * 12 + extract(month from l.origination_date)::int), 0)`;

const both = (expr: string) => ({ live: expr, snapshot: expr });

export const TAPE_COLUMNS: readonly TapeColumn[] = [
  { name: 'id', type: 'uuid', description: 'Loan id', ...both('l.id') },
  { name: 'loan_number', type: 'string', description: 'Loan number, unique within the organization', ...both('l.loan_number') },
  { name: 'borrower_name', type: 'string', description: 'Borrower name', ...both('l.borrower_name') },
  { name: 'program_id', type: 'uuid', description: 'Lending program id', ...both('l.program_id') },
  { name: 'currency', type: 'string', description: 'ISO-4217 currency code', ...both('l.currency::text') },
  { name: 'origination_date', type: 'date', description: 'Origination date', ...both('l.origination_date') },
  { name: 'maturity_date', type: 'date', description: 'Maturity date (empty when none)', ...both('l.maturity_date') },
  { name: 'original_principal', type: 'money', description: 'Original principal', live: 'l.original_principal', snapshot: 's.original_principal' },
  { name: 'principal_balance', type: 'money', description: 'Outstanding principal on the as-of date', live: 'l.principal_balance', snapshot: 's.principal_balance' },
  { name: 'interest_rate', type: 'rate', description: 'Interest rate as a decimal fraction (0.078 = 7.8 %)', live: 'l.interest_rate', snapshot: 's.interest_rate' },
  { name: 'term_months', type: 'integer', description: 'Term in months', live: 'l.term_months', snapshot: 's.term_months' },
  { name: 'days_past_due', type: 'integer', description: 'Days past due on the as-of date', live: 'l.days_past_due', snapshot: 's.days_past_due' },
  { name: 'delinquency_bucket', type: 'enum', description: oneOf(DELINQUENCY_BUCKETS), live: 'l.delinquency_bucket', snapshot: 's.delinquency_bucket' },
  { name: 'status', type: 'enum', description: oneOf(LOAN_STATUSES), live: 'l.status', snapshot: 's.status' },
  { name: 'next_payment_date', type: 'date', description: 'Next payment date (empty when none)', live: 'l.next_payment_date', snapshot: 's.next_payment_date' },
  { name: 'portfolio_id', type: 'uuid', description: "The loan's portfolio on the as-of date (empty when none)", live: 'l.portfolio_id', snapshot: 's.portfolio_id' },
  { name: 'created_at', type: 'datetime', description: 'When the loan was first recorded (UTC)', ...both('l.created_at') },
  { name: 'updated_at', type: 'datetime', description: 'When the loan record last changed (UTC)', ...both('l.updated_at') },
  {
    name: 'months_on_book',
    type: 'integer',
    description: 'Whole months from the origination month to the as-of month (0 when originated later)',
    ...both(MOB_LIVE),
  },
  {
    name: 'remaining_term_months',
    type: 'integer',
    description: 'max(term_months − months_on_book, 0)',
    live: `greatest(l.term_months - ${MOB_LIVE}, 0)`,
    snapshot: `greatest(s.term_months - ${MOB_LIVE}, 0)`,
  },
  { name: 'charged_off_amount', type: 'money', description: 'Cumulative principal written off, on the as-of date', live: 'l.charged_off_amount', snapshot: 's.charged_off_amount' },
  { name: 'recovered_amount', type: 'money', description: 'Cumulative recoveries after charge-off, on the as-of date', live: 'l.recovered_amount', snapshot: 's.recovered_amount' },
  {
    name: 'scheduled_principal',
    type: 'money',
    description: "The month's scheduled principal (§11's S) from the balance, rate and remaining_term_months on the as-of date",
    live: scheduledPrincipalSql('l.principal_balance', 'l.interest_rate', `greatest(l.term_months - ${MOB_LIVE}, 0)`),
    snapshot: scheduledPrincipalSql('s.principal_balance', 's.interest_rate', `greatest(s.term_months - ${MOB_LIVE}, 0)`),
  },
  { name: 'portfolio_name', type: 'string', description: "Name of the loan's portfolio (empty when none)", ...both('p.name'), needs: 'portfolio' },
  { name: 'investor_id', type: 'uuid', description: "Investor of the loan's largest active assignment (empty when none)", ...both('a.investor_id'), needs: 'assignment' },
  { name: 'investor_name', type: 'string', description: "Name of that investor (empty when none)", ...both('a.investor_name'), needs: 'assignment' },
  { name: 'ownership_pct', type: 'decimal', description: 'Ownership percentage of that assignment, 2 decimals (empty when none)', ...both('a.ownership_pct'), needs: 'assignment' },
  { name: 'as_of_date', type: 'date', description: 'The date the tape describes', ...both(':asof::date') },
];

const BY_NAME = new Map(TAPE_COLUMNS.map((c) => [c.name, c]));

export const COLUMN_NAMES: readonly string[] = TAPE_COLUMNS.map((c) => c.name);

export function tapeColumn(name: string): TapeColumn {
  const c = BY_NAME.get(name);
  if (!c) throw new Error(`unknown tape column ${name}`);
  return c;
}

/** The public catalog: what `GET /loan-tape-columns` answers. */
export const catalogView = () => TAPE_COLUMNS.map(({ name, type, description }) => ({ name, type, description }));

/** Problems with a requested column list: unknown names and repeats, each once. */
export function columnListProblems(columns: string[]): { unknown: string[]; duplicates: string[] } {
  const seen = new Set<string>();
  const unknown = new Set<string>();
  const duplicates = new Set<string>();
  for (const c of columns) {
    if (!BY_NAME.has(c)) unknown.add(c);
    else if (seen.has(c)) duplicates.add(c);
    seen.add(c);
  }
  return { unknown: [...unknown], duplicates: [...duplicates] };
}

/**
 * First characters a spreadsheet may read as the start of a formula: = + - @, tab and carriage
 * return (some importers strip them and read what follows), and the full-width ＝＋－＠ that
 * spreadsheets fold to their ASCII forms. chr() keeps the control characters out of the SQL text.
 */
const FORMULA_STARTS = `'=', '+', '-', '@', chr(9), chr(13), '＝', '＋', '－', '＠'`;

/** Free text a spreadsheet could run as a formula gets a leading apostrophe. */
export const guardSql = (expr: string) => `CASE WHEN left(${expr}, 1) IN (${FORMULA_STARTS}) THEN '''' || ${expr} ELSE ${expr} END`;

/**
 * A column's value as it appears in every tape format: text in the tape's wire form, or an
 * integer. Money and the ownership percentage keep exactly 2 decimals, rates go half-up to 6
 * decimals with trailing zeros dropped (formatRate's rule), dates are YYYY-MM-DD, timestamps ISO-8601 UTC.
 */
export function formattedSql(type: TapeColumnType, expr: string): string {
  switch (type) {
    case 'uuid':
      return `(${expr})::text`;
    case 'string':
      return guardSql(expr);
    case 'enum':
      return expr;
    case 'date':
      return `to_char(${expr}, 'YYYY-MM-DD')`;
    case 'datetime':
      return `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    case 'money':
    case 'decimal':
      return `round(${expr}, 2)::text`;
    case 'rate':
      return `trim_scale(round(${expr}, 6))::text`;
    case 'integer':
      return `(${expr})::int`;
  }
}

/** Decimal columns travel as strings in JSON Lines, so no reader turns them into floats. */
export const isNumericType = (t: TapeColumnType) => t === 'money' || t === 'decimal' || t === 'rate' || t === 'integer';
