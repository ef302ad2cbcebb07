import { formatMoney, formatRate } from '../../common/money/decimal';
import type { LoanStatus } from './loan-states';

export interface LoanRow {
  id: string;
  loan_number: string;
  borrower_name: string;
  program_id: string;
  currency: string;
  origination_date: string;
  maturity_date: string | null;
  original_principal: string;
  principal_balance: string;
  interest_rate: string;
  term_months: number;
  days_past_due: number;
  delinquency_bucket: string;
  status: LoanStatus;
  next_payment_date: string | null;
  charged_off_amount: string;
  recovered_amount: string;
  portfolio_id: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const LOAN_COLUMNS = `id, loan_number, borrower_name, program_id, currency, origination_date, maturity_date,
  original_principal, principal_balance, interest_rate, term_months, days_past_due, delinquency_bucket, status,
  next_payment_date, charged_off_amount, recovered_amount, portfolio_id, created_at, updated_at, version`;

/** The wire shape of a loan (§3): money with 2 decimals, rates trimmed, dates as YYYY-MM-DD. */
export function loanView(r: LoanRow) {
  return {
    id: r.id,
    loan_number: r.loan_number,
    borrower_name: r.borrower_name,
    program_id: r.program_id,
    currency: r.currency,
    origination_date: r.origination_date,
    maturity_date: r.maturity_date,
    original_principal: formatMoney(r.original_principal),
    principal_balance: formatMoney(r.principal_balance),
    interest_rate: formatRate(r.interest_rate),
    term_months: r.term_months,
    days_past_due: r.days_past_due,
    delinquency_bucket: r.delinquency_bucket,
    status: r.status,
    next_payment_date: r.next_payment_date,
    charged_off_amount: formatMoney(r.charged_off_amount),
    recovered_amount: formatMoney(r.recovered_amount),
    portfolio_id: r.portfolio_id,
    created_at: r.created_at,
    updated_at: r.updated_at,
    version: r.version,
  };
}

export type LoanView = ReturnType<typeof loanView>;
