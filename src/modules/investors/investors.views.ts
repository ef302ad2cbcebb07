import { Big, formatMoney } from '../../common/money/decimal';

export const INVESTOR_COLUMNS = `id, name, legal_name, investor_type, email, country, status, created_at, updated_at, version`;

export interface InvestorRow {
  id: string;
  name: string;
  legal_name: string | null;
  investor_type: string;
  email: string | null;
  country: string | null;
  status: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const investorView = (r: InvestorRow) => ({ ...r });

/** Never the ciphertext columns: only their tails (last four characters, at most half) leave the database. */
export const INSTRUMENT_COLUMNS = `id, investor_id, instrument_type, currency, account_holder_name, routing_number, sort_code,
  bic, account_number_last4, iban_last4, is_default, status, created_at, updated_at, version`;

export interface InstrumentRow {
  id: string;
  investor_id: string;
  instrument_type: string;
  currency: string;
  account_holder_name: string;
  routing_number: string | null;
  sort_code: string | null;
  bic: string | null;
  account_number_last4: string | null;
  iban_last4: string | null;
  is_default: boolean;
  status: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const instrumentView = (r: InstrumentRow) => ({ ...r });

export const ASSIGNMENT_COLUMNS = `id, loan_id, investor_id, ownership_pct, purchase_price, effective_date,
  settlement_instrument_id, status, terminated_at, created_at, updated_at, version`;

export interface AssignmentRow {
  id: string;
  loan_id: string;
  investor_id: string;
  ownership_pct: string;
  purchase_price: string;
  effective_date: string;
  settlement_instrument_id: string | null;
  status: string;
  terminated_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const assignmentView = (r: AssignmentRow) => ({
  ...r,
  ownership_pct: new Big(r.ownership_pct).toFixed(2),
  purchase_price: formatMoney(r.purchase_price),
});
