import { Extra, Int, ListOf, Nested, Num, OneOf, Text } from '../../common/openapi/properties';
import { CLIENT_TYPES } from './dto/client.dto';
import { DAY_COUNT_BASES, INTEREST_PAID_AT, PRODUCT_TYPES } from './dto/product.dto';

/**
 * The savings side's Flagstone-style wire format (§9): camelCase, money as JSON numbers with two
 * decimals, ids as digit strings, times with seven fractional digits and an explicit +00:00.
 */
const Id = (extra?: Extra) => Text({ example: '1042', ...extra });
const Amount = (extra?: Extra) => Num({ example: 1000.5, description: 'Money as a JSON number, 2 decimals', ...extra });
const Time = (extra?: Extra) => Text({ format: 'date-time', example: '2025-10-01T16:00:00.0000000+00:00', ...extra });

export class SavingsClientResponse {
  @Id() clientId: string;
  @Text({ example: 'client-0001' }) clientReference: string;
  @OneOf(CLIENT_TYPES) clientType: string;
  @Text({ example: 'Ada Lovelace' }) name: string;
  @Time() dateCreatedUTC: string;
}

export class SavingsProductResponse {
  @Id() productId: string;
  @Int({ example: 1, description: 'Increments when a term changes; accounts keep the version they opened on' }) productVersion: number;
  @Text({ example: '1 year fixed' }) name: string;
  @OneOf(PRODUCT_TYPES) productType: string;
  @Text({ example: 'GBP' }) currencyCode: string;
  @Num({ example: 0.045, description: 'Annual gross rate as a fraction' }) grossRate: number;
  @Int({ nullable: true, example: 12 }) termMonths: number | null;
  @Int({ nullable: true }) noticeDays: number | null;
  @OneOf(DAY_COUNT_BASES) dayCountBasis: string;
  @OneOf(INTEREST_PAID_AT) interestPaidAt: string;
  @Amount({ nullable: true }) minimumDeposit: number | null;
  @Amount({ nullable: true }) maximumDeposit: number | null;
  @Time() dateCreatedUTC: string;
  @Time() dateUpdatedUTC: string;
}

/** 202 for an instruction request, and the same again for a repeat of the same body. */
export class InstructionAcceptedResponse {
  @Text({ example: 'dep-2026-0001' }) instructionReference: string;
  @OneOf(['Created']) status: string;
}

export class InstructionRevertedResponse {
  @Text({ example: 'dep-2026-0001' }) instructionReference: string;
  @OneOf(['Reverted']) status: string;
}

export class InstructionStatusResponse {
  @Text({ example: 'dep-2026-0001' }) instructionReference: string;
  @OneOf(['Created', 'Processed', 'Rejected', 'Reverted']) status: string;
  @Text({ nullable: true, description: 'Why it was rejected' }) reason: string | null;
}

export class InstructionResponse {
  @Text({ example: 'dep-2026-0001' }) instructionReference: string;
  @Text({ format: 'uuid' }) pendingBatchItemId: string;
  @OneOf(['deposit', 'withdrawal']) instructionType: string;
  @OneOf(['Created', 'Processed', 'Rejected', 'Reverted']) status: string;
  @Text({ nullable: true }) reason: string | null;
  @Text({ example: 'client-0001' }) clientReference: string;
  @Text({ example: 'GBP' }) currencyCode: string;
  @Amount() amount: number;
  @Text({ description: 'The account; empty until a new account is opened' }) depositAccountId: string;
  @Id() productId: string;
  @Text({ example: '1', description: 'The product version, as a string' }) productVersion: string;
  @Time() dateAddedUTC: string;
  @Time() dateToBeActionedUTC: string;
  @Time({ nullable: true }) dateProcessedUTC: string | null;
}

export class InstructionListResponse {
  @ListOf(InstructionResponse) instructions: InstructionResponse[];
  @Int({ example: 1 }) pageNumber: number;
  @Int({ example: 1 }) pageCount: number;
}

export class SavingsJobAcceptedResponse {
  @Text() jobId: string;
  @Text({ description: 'Relative URL to poll (GET /jobs/{id})' }) statusUrl: string;
}

export class DepositAccountResponse {
  @Id() depositAccountId: string;
  @Id() productId: string;
  @Int() productVersionOnAccountOpen: number;
  @Time() dateAccountOpenedUTC: string;
  @Time({ nullable: true, description: 'null for accounts without a term' }) dateAccountMaturesUTC: string | null;
  @Amount() amount: number;
  @Amount() interestPaidAmount: number;
}

export class DepositAccountDetailResponse extends DepositAccountResponse {
  @Amount() interestAccruedAmount: number;
  @Amount({ nullable: true, description: 'Interest due by maturity; null without a term' }) interestExpectedAmount: number | null;
}

class SavingsPortfolioBase {
  @Id() portfolioId: string;
  @Int() portfolioVersion: number;
  @Text({ example: 'GBP' }) currencyCode: string;
}

export class SavingsPortfolioSummary extends SavingsPortfolioBase {
  @ListOf(DepositAccountResponse) depositAccounts: DepositAccountResponse[];
}

export class SavingsPortfolioDetail extends SavingsPortfolioBase {
  @ListOf(DepositAccountDetailResponse) depositAccounts: DepositAccountDetailResponse[];
}

export class PendingPaymentBatchItem {
  @Text({ format: 'uuid' }) pendingBatchItemId: string;
  @Text() instructionReference: string;
  @OneOf(['deposit', 'withdrawal']) pendingBatchType: string;
  @Text({ description: 'Empty for a deposit that opens a new account' }) depositAccountId: string;
  @Id() productId: string;
  @Text({ example: '1' }) productVersion: string;
  @Time() dateAddedUTC: string;
  @Time() dateToBeActionedUTC: string;
  @Amount() amount: number;
}

export class SavingsPortfolioPageEntry {
  @Text() clientReference: string;
  @Nested(SavingsPortfolioSummary) portfolio: SavingsPortfolioSummary;
  @ListOf(PendingPaymentBatchItem) pendingPaymentBatchItems: PendingPaymentBatchItem[];
}

export class SavingsPortfolioPage {
  @ListOf(SavingsPortfolioPageEntry) portfolioInformation: SavingsPortfolioPageEntry[];
  @Int({ example: 1 }) pageNumber: number;
  @Int({ example: 1 }) pageCount: number;
  @OneOf(['updatedDateDesc']) sortOrder: string;
}

export class Link {
  @Text({ example: 'pendingInstructions' }) rel: string;
  @Text({ format: 'uri' }) href: string;
}

export class ClientPortfolioEntry {
  @Text() clientReference: string;
  @Nested(SavingsPortfolioDetail) portfolio: SavingsPortfolioDetail;
  @ListOf(Link) links: Link[];
}

export class ClientPortfoliosResponse {
  @ListOf(ClientPortfolioEntry) portfolioInformation: ClientPortfolioEntry[];
}
