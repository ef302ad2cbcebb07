import { MAX_DAYS_PAST_DUE, MIN_ORIGINATION_DATE } from '../../loans/loans.dto';
import { LOAN_STATUSES } from '../../loans/loan-states';
import { ColumnRule, CsvSchema, date, emptyIsNull, int, RULES } from '../../loans/import/import-columns';

/**
 * The CSV of `POST /loan-snapshots/import` (§5): a loan (by loan_number) on a past date, and
 * its state then. Optional cells left empty take the loan's current rate, term and original
 * principal, a null next payment date and 0.00 for the §11 amounts (filled in by the upsert).
 */
export const HISTORY_REQUIRED = ['loan_number', 'snapshot_date', 'principal_balance', 'days_past_due', 'status'] as const;
export const HISTORY_OPTIONAL = [
  'interest_rate', 'term_months', 'original_principal', 'next_payment_date', 'charged_off_amount', 'recovered_amount',
] as const;
export type HistoryColumn = (typeof HISTORY_REQUIRED)[number] | (typeof HISTORY_OPTIONAL)[number];

const STATUSES = new Set<string>(LOAN_STATUSES);
const requiredStatus: ColumnRule = {
  check: (v) => (STATUSES.has(v) ? null : v === '' ? 'is required' : `must be one of ${LOAN_STATUSES.join(', ')}`),
  encode: (v) => v,
};

export const HISTORY_IMPORT: CsvSchema<HistoryColumn> = {
  columns: [...HISTORY_REQUIRED, ...HISTORY_OPTIONAL],
  required: HISTORY_REQUIRED,
  types: {
    loan_number: 'text', snapshot_date: 'date', principal_balance: 'numeric(18,2)', days_past_due: 'integer', status: 'text',
    interest_rate: 'numeric', term_months: 'integer', original_principal: 'numeric(18,2)', next_payment_date: 'date',
    charged_off_amount: 'numeric(18,2)', recovered_amount: 'numeric(18,2)',
  },
  rules: {
    loan_number: RULES.loan_number,
    // Before today and not before the loan's origination: checked against the stored loans.
    snapshot_date: date(true, MIN_ORIGINATION_DATE),
    principal_balance: RULES.principal_balance,
    days_past_due: int(0, MAX_DAYS_PAST_DUE),
    status: requiredStatus,
    interest_rate: emptyIsNull(RULES.interest_rate),
    term_months: emptyIsNull(RULES.term_months),
    original_principal: emptyIsNull(RULES.original_principal),
    next_payment_date: RULES.next_payment_date,
    charged_off_amount: RULES.charged_off_amount,
    recovered_amount: RULES.recovered_amount,
  },
  notImportable: {
    id: 'is assigned by the service and cannot be imported',
    loan_id: 'cannot be imported: name the loan by loan_number',
    portfolio_id: "cannot be imported: a loan snapshot records the loan's current portfolio",
    delinquency_bucket: 'is derived from days_past_due and cannot be imported',
  },
};
