/** Dynamic-portfolio criteria (§4), all optional, combined with AND, date bounds inclusive. */
export interface Criteria {
  program_id?: string;
  origination_date_start?: string;
  origination_date_end?: string;
  currency?: string;
  min_interest_rate?: string;
  max_interest_rate?: string;
  statuses?: string[];
  max_days_past_due?: number;
}

export const CRITERIA_KEYS: (keyof Criteria)[] = [
  'program_id',
  'origination_date_start',
  'origination_date_end',
  'currency',
  'min_interest_rate',
  'max_interest_rate',
  'statuses',
  'max_days_past_due',
];

export const hasCriteria = (c: Criteria | null | undefined): c is Criteria =>
  !!c && CRITERIA_KEYS.some((k) => c[k] !== undefined && c[k] !== null);

/**
 * SQL predicates over the `loans` alias `l` for the criteria. Values go in as parameters,
 * appended to `params`; nothing from the criteria is ever spliced into the SQL text.
 */
export function criteriaSql(c: Criteria, params: unknown[]): string {
  const parts: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    parts.push(sql(`$${params.length}`));
  };
  if (c.program_id !== undefined) add((p) => `l.program_id = ${p}::uuid`, c.program_id);
  if (c.origination_date_start !== undefined) add((p) => `l.origination_date >= ${p}::date`, c.origination_date_start);
  if (c.origination_date_end !== undefined) add((p) => `l.origination_date <= ${p}::date`, c.origination_date_end);
  if (c.currency !== undefined) add((p) => `l.currency = ${p}`, c.currency);
  if (c.min_interest_rate !== undefined) add((p) => `l.interest_rate >= ${p}::numeric`, c.min_interest_rate);
  if (c.max_interest_rate !== undefined) add((p) => `l.interest_rate <= ${p}::numeric`, c.max_interest_rate);
  if (c.statuses !== undefined) add((p) => `l.status = ANY(${p}::text[])`, c.statuses);
  if (c.max_days_past_due !== undefined) add((p) => `l.days_past_due <= ${p}::int`, c.max_days_past_due);
  return parts.length ? parts.join(' AND ') : 'TRUE';
}
