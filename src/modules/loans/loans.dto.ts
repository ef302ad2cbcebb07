import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min, registerDecorator } from 'class-validator';
import { IsIsoDate, IsIsoDateFrom, IsMoney, IsRate } from '../../common/money/validators';
import { LOAN_STATUSES, LoanStatus } from './loan-states';
import { Omittable } from '../../common/validation/omittable';

export const MAX_TERM_MONTHS = 1200;
export const MAX_DAYS_PAST_DUE = 100_000;
/** SPEC §3. Also a bound on analytics: vintage curves walk every month since origination. */
export const MIN_ORIGINATION_DATE = '1900-01-01';
// Control characters are the point: a loan number has none; a name may span lines but never
// holds NUL, which Postgres text cannot store.
// eslint-disable-next-line no-control-regex
export const LOAN_NUMBER_RE = /^[^\x00-\x1f\x7f]{1,100}$/;
// eslint-disable-next-line no-control-regex
export const BORROWER_NAME_RE = /^[^\x00]{1,200}$/;
export const CURRENCY_RE = /^[A-Z]{3}$/;

/** A field the caller may not write here; present at all (even null) → 400 naming it. */
function NotWritable(reason: string) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'notWritable',
      target: object.constructor,
      propertyName,
      validator: { validate: (v: unknown) => v === undefined, defaultMessage: () => `${propertyName} ${reason}` },
    });
}

class ReadOnlyLoanFields {
  @ApiHideProperty() @NotWritable('is read-only') id?: never;
  @ApiHideProperty() @NotWritable('is derived from days_past_due') delinquency_bucket?: never;
  @ApiHideProperty() @NotWritable('is read-only') version?: never;
  @ApiHideProperty() @NotWritable('is read-only') created_at?: never;
  @ApiHideProperty() @NotWritable('is read-only') updated_at?: never;
  @ApiHideProperty() @NotWritable('is not writable here: membership goes through /portfolios/{id}/loans') portfolio_id?: never;
}

export class CreateLoanDto extends ReadOnlyLoanFields {
  @ApiProperty() @IsString() @Matches(LOAN_NUMBER_RE, { message: 'loan_number must be 1 to 100 printable characters' })
  loan_number: string;
  @ApiProperty() @IsString() @Matches(BORROWER_NAME_RE, { message: 'borrower_name must be 1 to 200 characters' })
  borrower_name: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() program_id: string;
  @ApiPropertyOptional({ default: 'USD' }) @Omittable() @Matches(CURRENCY_RE, { message: 'currency must be an ISO-4217 code such as USD' })
  currency?: string;
  @ApiProperty({ example: '2026-01-15' }) @IsIsoDateFrom(MIN_ORIGINATION_DATE) origination_date: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsIsoDate() maturity_date?: string | null;
  @ApiProperty({ example: '10000.00' }) @IsMoney({ positive: true }) original_principal: string;
  @ApiProperty({ example: '8000.00' }) @IsMoney() principal_balance: string;
  @ApiProperty({ example: '0.078' }) @IsRate({ min: '0', maxExclusive: '1' }) interest_rate: string;
  @ApiProperty() @IsInt() @Min(1) @Max(MAX_TERM_MONTHS) term_months: number;
  @ApiPropertyOptional({ default: 0 }) @Omittable() @IsInt() @Min(0) @Max(MAX_DAYS_PAST_DUE) days_past_due?: number;
  @ApiPropertyOptional({ enum: LOAN_STATUSES, default: 'active' }) @Omittable() @IsIn(LOAN_STATUSES) status?: LoanStatus;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsIsoDate() next_payment_date?: string | null;
  @ApiPropertyOptional({ default: '0.00', description: 'Cumulative principal written off (§11)' }) @Omittable() @IsMoney() charged_off_amount?: string;
  @ApiPropertyOptional({ default: '0.00', description: 'Cumulative recoveries after charge-off, never more than charged_off_amount' }) @Omittable() @IsMoney()
  recovered_amount?: string;
}

/** Servicing update: every field optional; `loan_number` is the import key and never changes. */
export class UpdateLoanDto extends ReadOnlyLoanFields {
  @ApiHideProperty() @NotWritable('is the loan’s key and cannot change') loan_number?: never;
  @ApiPropertyOptional() @Omittable() @IsString() @Matches(BORROWER_NAME_RE, { message: 'borrower_name must be 1 to 200 characters' })
  borrower_name?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Omittable() @IsUUID() program_id?: string;
  @ApiPropertyOptional() @Omittable() @Matches(CURRENCY_RE, { message: 'currency must be an ISO-4217 code such as USD' })
  currency?: string;
  @ApiPropertyOptional() @Omittable() @IsIsoDateFrom(MIN_ORIGINATION_DATE) origination_date?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsIsoDate() maturity_date?: string | null;
  @ApiPropertyOptional() @Omittable() @IsMoney({ positive: true }) original_principal?: string;
  @ApiPropertyOptional() @Omittable() @IsMoney() principal_balance?: string;
  @ApiPropertyOptional() @Omittable() @IsRate({ min: '0', maxExclusive: '1' }) interest_rate?: string;
  @ApiPropertyOptional() @Omittable() @IsInt() @Min(1) @Max(MAX_TERM_MONTHS) term_months?: number;
  @ApiPropertyOptional() @Omittable() @IsInt() @Min(0) @Max(MAX_DAYS_PAST_DUE) days_past_due?: number;
  @ApiPropertyOptional({ enum: LOAN_STATUSES }) @Omittable() @IsIn(LOAN_STATUSES) status?: LoanStatus;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsIsoDate() next_payment_date?: string | null;
  @ApiPropertyOptional({ description: 'Cumulative principal written off (§11)' }) @Omittable() @IsMoney() charged_off_amount?: string;
  @ApiPropertyOptional({ description: 'Cumulative recoveries after charge-off, never more than charged_off_amount' }) @Omittable() @IsMoney()
  recovered_amount?: string;
}

/** The columns a PUT may set, in a fixed order. */
export const UPDATABLE_COLUMNS = [
  'borrower_name', 'program_id', 'currency', 'origination_date', 'maturity_date', 'original_principal',
  'principal_balance', 'interest_rate', 'term_months', 'days_past_due', 'status', 'next_payment_date',
  'charged_off_amount', 'recovered_amount',
] as const;
