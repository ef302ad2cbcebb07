// Read model: reads loans (owned by loans), loan_snapshots (snapshots), portfolios (portfolios),
// loan_assignments and investors (investors) in one COPY query per tape. It writes nothing.
import { isUuid } from '../../common/ids/uuid';
import { statesOnSql } from '../snapshots/snapshot-sql';
import { formattedSql, tapeColumn } from './tape-columns';
import { monthIndex } from './tape-rules';

export interface TapeQueryInput {
  org: string;
  asOf: string;
  source: 'live' | 'snapshot';
  portfolioId: string | null;
  columns: string[];
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

// COPY takes no bind parameters, so the few values a tape query needs are inlined as literals;
// each is checked against a strict shape first, so nothing else can reach the SQL text.
const uuidLit = (v: string) => {
  if (!isUuid(v)) throw new Error(`not a uuid: ${v}`);
  return `'${v}'::uuid`;
};
const dateLit = (v: string) => {
  if (!DATE_RE.test(v)) throw new Error(`not a date: ${v}`);
  return `'${v}'`;
};

/** The largest active assignment, earliest on a tie; on a past date, the one active at that day's end. */
function assignmentJoin(input: TapeQueryInput): string {
  const activeOn =
    input.source === 'live'
      ? `a.status = 'active'`
      : `a.effective_date <= ${dateLit(input.asOf)}::date
         AND (a.terminated_at IS NULL OR a.terminated_at >= ((${dateLit(input.asOf)}::date + 1)::timestamp AT TIME ZONE 'UTC'))`;
  return `LEFT JOIN LATERAL (
      SELECT a.investor_id, a.ownership_pct, i.name AS investor_name
        FROM loan_assignments a
        JOIN investors i ON i.organization_id = a.organization_id AND i.id = a.investor_id
       WHERE a.organization_id = l.organization_id AND a.loan_id = l.id AND ${activeOn}
       ORDER BY a.ownership_pct DESC, a.effective_date, a.created_at, a.id
       LIMIT 1) a ON true`;
}

/** FROM and WHERE: the tape's loans on its as-of date, within its portfolio when it has one. */
function fromWhere(input: TapeQueryInput, joins: { portfolio: boolean; assignment: boolean }): string {
  const org = uuidLit(input.org);
  const live = input.source === 'live';
  const portfolioCol = live ? 'l.portfolio_id' : 's.portfolio_id';
  const parts = live
    ? [`FROM loans l`]
    : [
        // Snapshots are versions: the date's state of each loan (snapshot-sql.ts).
        `FROM ${statesOnSql(org, `${dateLit(input.asOf)}::date`, input.portfolioId ? uuidLit(input.portfolioId) : undefined)} s`,
        `JOIN loans l ON l.organization_id = s.organization_id AND l.id = s.loan_id`,
      ];
  if (joins.portfolio) parts.push(`LEFT JOIN portfolios p ON p.organization_id = l.organization_id AND p.id = ${portfolioCol}`);
  if (joins.assignment) parts.push(assignmentJoin(input));
  const where = live ? [`l.organization_id = ${org}`] : [`s.organization_id = ${org}`, `s.snapshot_date = ${dateLit(input.asOf)}::date`];
  if (input.portfolioId) where.push(`${portfolioCol} = ${uuidLit(input.portfolioId)}`);
  parts.push(`WHERE ${where.join(' AND ')}`);
  return parts.join('\n');
}

/** The tape's rows, formatted, one per loan in loan_number order; column aliases are catalog names. */
export function tapeSelectSql(input: TapeQueryInput): string {
  const defs = input.columns.map(tapeColumn);
  const select = defs
    .map((c) => `${formattedSql(c.type, input.source === 'live' ? c.live : c.snapshot)} AS "${c.name}"`)
    .join(',\n  ')
    .replace(/:asof_month\b/g, String(monthIndex(input.asOf)))
    .replace(/:asof\b/g, dateLit(input.asOf));
  const joins = { portfolio: defs.some((c) => c.needs === 'portfolio'), assignment: defs.some((c) => c.needs === 'assignment') };
  return `SELECT\n  ${select}\n${fromWhere(input, joins)}\nORDER BY l.loan_number`;
}

/** How many rows the tape will have (for progress and the XLSX row limit). */
export function tapeCountSql(input: TapeQueryInput): string {
  return `SELECT count(*)::bigint AS count ${fromWhere(input, { portfolio: false, assignment: false })}`;
}
