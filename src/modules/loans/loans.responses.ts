import { DateOnly, Int, Money, OneOf, PageOf, Rate, Text, Uuid, VersionedResponse } from '../../common/openapi/properties';
import { DELINQUENCY_BUCKETS, LOAN_STATUSES } from './loan-states';

/** The wire shape of `loanView` (§3). */
export class LoanResponse extends VersionedResponse {
  @Uuid() id: string;
  @Text({ example: 'L-000123' }) loan_number: string;
  @Text({ example: 'Ada Lovelace' }) borrower_name: string;
  @Uuid() program_id: string;
  @Text({ example: 'USD', description: 'ISO 4217 currency code' }) currency: string;
  @DateOnly() origination_date: string;
  @DateOnly({ nullable: true }) maturity_date: string | null;
  @Money() original_principal: string;
  @Money() principal_balance: string;
  @Rate() interest_rate: string;
  @Int({ example: 36 }) term_months: number;
  @Int({ example: 0 }) days_past_due: number;
  @OneOf(DELINQUENCY_BUCKETS, { description: 'Derived from days_past_due' }) delinquency_bucket: string;
  @OneOf(LOAN_STATUSES) status: string;
  @DateOnly({ nullable: true }) next_payment_date: string | null;
  @Uuid({ nullable: true, description: 'The portfolio holding the loan, if any' }) portfolio_id: string | null;
}

export class LoanPage extends PageOf(LoanResponse) {}

export class LoanImportResponse {
  @Int({ example: 980 }) inserted: number;
  @Int({ example: 20 }) updated: number;
}
