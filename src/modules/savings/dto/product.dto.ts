import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsSavingsLimit, IsSavingsRate } from './decimal-input';

export const PRODUCT_TYPES = ['fixed_term', 'instant_access', 'notice'] as const;
export const DAY_COUNT_BASES = ['ACT/365F', 'ACT/360', 'ACT/ACT'] as const;
export const INTEREST_PAID_AT = ['maturity', 'monthly', 'annually'] as const;

export type ProductType = (typeof PRODUCT_TYPES)[number];

/** Fields a PUT may change; `productType` and `currencyCode` are fixed at creation. */
export class UpdateProductDto {
  @IsOptional() @IsString() @Length(1, 200)
  name?: string;

  @IsOptional() @IsSavingsRate()
  grossRate?: number | string;

  @IsOptional() @IsInt() @Min(1) @Max(600)
  termMonths?: number;

  @IsOptional() @IsInt() @Min(0) @Max(3650)
  noticeDays?: number;

  @IsOptional() @IsIn(DAY_COUNT_BASES as unknown as string[])
  dayCountBasis?: (typeof DAY_COUNT_BASES)[number];

  @IsOptional() @IsIn(INTEREST_PAID_AT as unknown as string[])
  interestPaidAt?: (typeof INTEREST_PAID_AT)[number];

  @IsOptional() @IsSavingsLimit()
  minimumDeposit?: number | string | null;

  @IsOptional() @IsSavingsLimit()
  maximumDeposit?: number | string | null;
}

export class CreateProductDto extends UpdateProductDto {
  @IsString() @Length(1, 200)
  declare name: string;

  @IsIn(PRODUCT_TYPES as unknown as string[])
  productType: ProductType;

  @IsString() @Matches(/^[A-Z]{3}$/, { message: 'currencyCode must be an ISO-4217 code such as GBP' })
  currencyCode: string;

  @IsSavingsRate()
  declare grossRate: number | string;
}
