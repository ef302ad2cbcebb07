import { Where } from '../../database/where';

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
  const w = new Where(params);
  if (c.program_id !== undefined) w.and`l.program_id = ${c.program_id}::uuid`;
  if (c.origination_date_start !== undefined) w.and`l.origination_date >= ${c.origination_date_start}::date`;
  if (c.origination_date_end !== undefined) w.and`l.origination_date <= ${c.origination_date_end}::date`;
  if (c.currency !== undefined) w.and`l.currency = ${c.currency}`;
  if (c.min_interest_rate !== undefined) w.and`l.interest_rate >= ${c.min_interest_rate}::numeric`;
  if (c.max_interest_rate !== undefined) w.and`l.interest_rate <= ${c.max_interest_rate}::numeric`;
  if (c.statuses !== undefined) w.and`l.status = ANY(${c.statuses}::text[])`;
  if (c.max_days_past_due !== undefined) w.and`l.days_past_due <= ${c.max_days_past_due}::int`;
  return w.sql;
}
