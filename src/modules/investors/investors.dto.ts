import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO31661Alpha2,
  IsISO4217CurrencyCode,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  registerDecorator,
} from 'class-validator';
import { Big, isDecimalString } from '../../common/money/decimal';
import { IsIsoDate, IsMoney } from '../../common/money/validators';
import { PageQuery } from '../../common/pagination/pagination';
import { INSTRUMENT_TYPES } from './bank-details';
import { AnyOf } from '../../common/pagination/list-filter';
import { Omittable } from '../../common/validation/omittable';

export const INVESTOR_TYPES = ['institutional', 'bank', 'fund', 'individual', 'other'] as const;
const ACTIVE_INACTIVE = ['active', 'inactive'];

/** A decimal string within (0, max] with at most `dp` decimals; JSON numbers are refused like money. */
function IsPercent(max: string, dp: number) {
  const re = new RegExp(`^\\d{1,3}(\\.\\d{1,${dp}})?$`);
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isPercent',
      target: object.constructor,
      propertyName,
      validator: {
        validate: (v: unknown) => isDecimalString(v) && re.test(v) && new Big(v).gt(0) && new Big(v).lte(max),
        defaultMessage: () => `${propertyName} must be a decimal string > 0 and ≤ ${max} with at most ${dp} decimals (e.g. "98.50")`,
      },
    });
}

export class CreateInvestorDto {
  @ApiProperty() @IsString() @Length(1, 200) name: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @Length(1, 300) legal_name?: string | null;
  @ApiProperty({ enum: INVESTOR_TYPES }) @IsIn(INVESTOR_TYPES as unknown as string[]) investor_type: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsEmail() @MaxLength(320) email?: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'ISO-3166 alpha-2' }) @IsOptional() @IsISO31661Alpha2() country?: string | null;
  @ApiPropertyOptional({ enum: ACTIVE_INACTIVE }) @Omittable() @IsIn(ACTIVE_INACTIVE) status?: string;
}

export class UpdateInvestorDto {
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @Length(1, 300) legal_name?: string | null;
  @ApiPropertyOptional({ enum: INVESTOR_TYPES }) @Omittable() @IsIn(INVESTOR_TYPES as unknown as string[]) investor_type?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsEmail() @MaxLength(320) email?: string | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsISO31661Alpha2() country?: string | null;
  @ApiPropertyOptional({ enum: ACTIVE_INACTIVE }) @Omittable() @IsIn(ACTIVE_INACTIVE) status?: string;
}

export class InvestorQuery extends PageQuery {
  @AnyOf(ACTIVE_INACTIVE) status?: string[];
  @AnyOf(INVESTOR_TYPES) investor_type?: string[];
}

/** Bank fields shared by create and update; which ones apply depends on instrument_type. */
class BankFieldsDto {
  @ApiPropertyOptional({ description: 'ACH/wire: 9 digits, ABA checksum' }) @Omittable() @IsString() @MaxLength(64) routing_number?: string;
  @ApiPropertyOptional({ description: 'write-only; responses carry account_number_last4' }) @Omittable() @IsString() @MaxLength(64) account_number?: string;
  @ApiPropertyOptional({ description: 'write-only; responses carry iban_last4' }) @Omittable() @IsString() @MaxLength(64) iban?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(64) bic?: string;
  @ApiPropertyOptional({ description: 'Faster Payments: 6 digits' }) @Omittable() @IsString() @MaxLength(64) sort_code?: string;
  @ApiPropertyOptional() @Omittable() @IsBoolean() is_default?: boolean;
  @ApiPropertyOptional({ enum: ACTIVE_INACTIVE }) @Omittable() @IsIn(ACTIVE_INACTIVE) status?: string;
}

export class CreateInstrumentDto extends BankFieldsDto {
  @ApiProperty({ enum: INSTRUMENT_TYPES }) @IsIn(INSTRUMENT_TYPES as unknown as string[]) instrument_type: string;
  @ApiProperty({ description: 'ISO-4217' }) @IsISO4217CurrencyCode() currency: string;
  @ApiProperty() @IsString() @Length(1, 200) account_holder_name: string;
}

/** instrument_type and currency are fixed at creation: a different one is a new instrument. */
export class UpdateInstrumentDto extends BankFieldsDto {
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 200) account_holder_name?: string;
}

export class InstrumentQuery extends PageQuery {
  @AnyOf(ACTIVE_INACTIVE) status?: string[];
  @IsOptional() @IsISO4217CurrencyCode() currency?: string;
}

export class CreateAssignmentDto {
  @ApiProperty() @IsUUID('all') loan_id: string;
  @ApiProperty({ example: '60.00' }) @IsPercent('100', 2) ownership_pct: string;
  @ApiPropertyOptional({ description: 'default: the share of the balance at par' }) @Omittable() @IsMoney() purchase_price?: string;
  @ApiPropertyOptional({ description: 'default: today (UTC)' }) @Omittable() @IsIsoDate() effective_date?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID('all') settlement_instrument_id?: string | null;
}

export class UpdateAssignmentDto {
  @ApiPropertyOptional() @Omittable() @IsPercent('100', 2) ownership_pct?: string;
  @ApiPropertyOptional() @Omittable() @IsMoney() purchase_price?: string;
  @ApiPropertyOptional() @Omittable() @IsIsoDate() effective_date?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID('all') settlement_instrument_id?: string | null;
  @ApiPropertyOptional({ enum: ['active', 'terminated'], description: '"terminated" ends the assignment (final)' })
  @Omittable() @IsIn(['active', 'terminated']) status?: string;
}

export class AssignmentQuery extends PageQuery {
  @AnyOf(['active', 'terminated']) status?: string[];
  @IsOptional() @IsUUID('all') loan_id?: string;
}

export class SellPortfolioDto {
  @ApiProperty() @IsUUID('all') investor_id: string;
  @ApiProperty() @IsIsoDate() sale_date: string;
  @ApiProperty({ example: '98.50', description: 'price as % of par: > 0, ≤ 200, up to 6 decimals' })
  @IsPercent('200', 6) price_pct: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID('all') settlement_instrument_id?: string;
}
