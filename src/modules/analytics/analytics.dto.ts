import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { EXPORT_FORMATS, ExportFormat } from '../../common/export/export-format';

/** A calendar month YYYY-MM from 1900 on (origination dates start there, §3). */
export const MONTH_RE = /^(19|[2-9]\d)\d{2}-(0[1-9]|1[0-2])$/;

/** `?from=YYYY-MM&to=YYYY-MM`, both inclusive; the range rules are checked by monthRange(). */
export class MonthRangeQuery {
  @ApiPropertyOptional({ example: '2025-01', description: 'First month (default: 11 months before `to`)' })
  @IsOptional() @Matches(MONTH_RE, { message: 'from must be a month YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({ example: '2025-12', description: 'Last month (default: this month, UTC)' })
  @IsOptional() @Matches(MONTH_RE, { message: 'to must be a month YYYY-MM' })
  to?: string;

  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: 'csv or xlsx for a file (as with Accept: text/csv or the XLSX type); default json' })
  @IsOptional() @IsIn(EXPORT_FORMATS as unknown as string[]) format?: ExportFormat;
}
