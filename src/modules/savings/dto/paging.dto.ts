import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { toInt } from '../../../common/pagination/pagination';

export const MAX_PAGE_SIZE = 500;

/** Flagstone-style paging: 1-based PageNumber, PageSize up to 500 (default 50). */
export class SavingsPageQuery {
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000)
  PageNumber: number = 1;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(MAX_PAGE_SIZE)
  PageSize: number = 50;
}

export const INSTRUCTION_STATUS_FILTERS = ['pending', 'created', 'processed', 'rejected', 'reverted'] as const;

export class InstructionListQuery extends SavingsPageQuery {
  @IsOptional() @IsString() @Length(1, 100)
  clientReference?: string;

  /** `pending` is the same as `created`: accepted and not yet settled. Case-insensitive. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(INSTRUCTION_STATUS_FILTERS as unknown as string[])
  status?: (typeof INSTRUCTION_STATUS_FILTERS)[number];
}

export const pageCountOf = (total: number, size: number) => Math.ceil(total / size);
