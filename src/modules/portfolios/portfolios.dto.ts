import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Max,
  Min,
  ValidateNested,
  IsObject,
} from 'class-validator';
import { IsIsoDate, IsRate } from '../../common/money/validators';
import { PageQuery, toBool } from '../../common/pagination/pagination';
import { AnyOf } from '../../common/pagination/list-filter';
import { LOAN_STATUSES } from '../loans/loan-states';

/** Far beyond any real delinquency (274 years), and well inside the Postgres int the SQL casts to. */
export const MAX_DAYS_PAST_DUE = 100_000;

export class CriteriaDto {
  @IsOptional() @IsUUID('all') program_id?: string;
  @IsOptional() @IsIsoDate() origination_date_start?: string;
  @IsOptional() @IsIsoDate() origination_date_end?: string;
  @IsOptional() @IsString() @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO-4217 code such as USD' }) currency?: string;
  @IsOptional() @IsRate({ min: '0', maxExclusive: '1' }) min_interest_rate?: string;
  @IsOptional() @IsRate({ min: '0', maxExclusive: '1' }) max_interest_rate?: string;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(4) @ArrayUnique() @IsIn(LOAN_STATUSES, { each: true }) statuses?: string[];
  @IsOptional() @IsInt() @Min(0) @Max(MAX_DAYS_PAST_DUE) max_days_past_due?: number;
}

export class CreatePortfolioDto {
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsIn(['static', 'dynamic']) portfolio_type: 'static' | 'dynamic';
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CriteriaDto) criteria?: CriteriaDto | null;
}

export class UpdatePortfolioDto {
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => CriteriaDto) criteria?: CriteriaDto | null;
}

export class ListPortfoliosQuery extends PageQuery {
  @AnyOf(['active', 'archived', 'sold']) status?: ('active' | 'archived' | 'sold')[];
  @IsOptional() @Transform(toBool) @IsIn([true, false]) include_archived?: boolean;
  @AnyOf(['static', 'dynamic']) portfolio_type?: ('static' | 'dynamic')[];
}

export class AssignLoansDto {
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10_000) @IsUUID('all', { each: true }) loan_ids: string[];
}

export class TransferLoansDto {
  @IsUUID('all') target_portfolio_id: string;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(10_000) @IsUUID('all', { each: true }) loan_ids?: string[];
}
