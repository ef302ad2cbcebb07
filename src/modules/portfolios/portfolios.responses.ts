import { AnyObject, DateOnly, DateTime, Int, Money, OneOf, PageOf, Text, Uuid, VersionedResponse } from '../../common/openapi/properties';

/** The wire shape of `portfolioView` (§4). */
export class PortfolioResponse extends VersionedResponse {
  @Uuid() id: string;
  @Text({ example: 'Prime 2026' }) name: string;
  @Text({ nullable: true }) description: string | null;
  @OneOf(['static', 'dynamic']) portfolio_type: string;
  @AnyObject({ nullable: true, description: 'Dynamic portfolios: the criteria loans must match; null for static ones' })
  criteria: Record<string, unknown> | null;
  @OneOf(['active', 'archived', 'sold']) status: string;
  @Uuid({ nullable: true, description: 'The buyer, once sold' }) investor_id: string | null;
  @DateOnly({ nullable: true }) sold_at: string | null;
  @Money({ nullable: true }) sale_price: string | null;
  @Int({ example: 120 }) loan_count: number;
  @Money() total_outstanding: string;
  @DateTime({ nullable: true }) archived_at: string | null;
}

export class PortfolioPage extends PageOf(PortfolioResponse) {}

export class LoansAssignedResponse {
  @Int({ example: 3, description: 'Loans newly assigned' }) assigned: number;
}

export class LoansTransferredResponse {
  @Int({ example: 3, description: 'Loans moved to the target portfolio' }) transferred: number;
}
