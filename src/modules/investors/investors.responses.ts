import { Bool, DateOnly, DateTime, Money, OneOf, PageOf, Text, Uuid, VersionedResponse } from '../../common/openapi/properties';
import { INSTRUMENT_TYPES } from './bank-details';
import { INVESTOR_TYPES } from './investors.dto';

const ACTIVE_INACTIVE = ['active', 'inactive'] as const;

/** The wire shape of `investorView` (§6). */
export class InvestorResponse extends VersionedResponse {
  @Uuid() id: string;
  @Text({ example: 'Acme Capital' }) name: string;
  @Text({ nullable: true }) legal_name: string | null;
  @OneOf(INVESTOR_TYPES) investor_type: string;
  @Text({ nullable: true, example: 'ops@acme.example' }) email: string | null;
  @Text({ nullable: true, example: 'GB', description: 'ISO 3166 alpha-2' }) country: string | null;
  @OneOf(ACTIVE_INACTIVE) status: string;
}

export class InvestorPage extends PageOf(InvestorResponse) {}

/** The wire shape of `instrumentView`: account numbers and IBANs only as their last four characters. */
export class SettlementInstrumentResponse extends VersionedResponse {
  @Uuid() id: string;
  @Uuid() investor_id: string;
  @OneOf(INSTRUMENT_TYPES) instrument_type: string;
  @Text({ example: 'USD' }) currency: string;
  @Text() account_holder_name: string;
  @Text({ nullable: true }) routing_number: string | null;
  @Text({ nullable: true }) sort_code: string | null;
  @Text({ nullable: true }) bic: string | null;
  @Text({ nullable: true, example: '6789' }) account_number_last4: string | null;
  @Text({ nullable: true, example: '3000' }) iban_last4: string | null;
  @Bool() is_default: boolean;
  @OneOf(ACTIVE_INACTIVE) status: string;
}

export class SettlementInstrumentPage extends PageOf(SettlementInstrumentResponse) {}

/** The wire shape of `assignmentView`. */
export class LoanAssignmentResponse extends VersionedResponse {
  @Uuid() id: string;
  @Uuid() loan_id: string;
  @Uuid() investor_id: string;
  @Text({ example: '60.00', description: 'Percent of the loan owned, 2 decimals' }) ownership_pct: string;
  @Money() purchase_price: string;
  @DateOnly() effective_date: string;
  @Uuid({ nullable: true }) settlement_instrument_id: string | null;
  @OneOf(['active', 'terminated']) status: string;
  @DateTime({ nullable: true }) terminated_at: string | null;
}

export class LoanAssignmentPage extends PageOf(LoanAssignmentResponse) {}
