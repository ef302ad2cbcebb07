import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { EXPORT_FORMATS, ExportFormat } from '../../common/export/export-format';
import { IsIsoDate } from '../../common/money/validators';
import { CursorPageQuery, PageQuery } from '../../common/pagination/pagination';
import { Omittable } from '../../common/validation/omittable';
import { Basis, BASES, Period, PERIODS } from './vintage-curves';

/** Left out: today (UTC). Null is no date: 400, not a snapshot "on null". */
export class CreateSnapshotDto {
  @Omittable() @IsIsoDate() snapshot_date?: string;
}

export class SnapshotRunDto {
  @Omittable() @IsIsoDate() snapshot_date?: string;
}

export class SnapshotListQuery extends PageQuery {
  @IsOptional() @IsIsoDate() date_from?: string;
  @IsOptional() @IsIsoDate() date_to?: string;
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: 'csv or xlsx for a file (as with Accept: text/csv or the XLSX type); default json' })
  @IsOptional() @IsIn(EXPORT_FORMATS as unknown as string[]) format?: ExportFormat;
}

export class LoanSnapshotQuery extends CursorPageQuery {
  @IsOptional() @IsUUID() loan_id?: string;
  @IsOptional() @IsUUID() portfolio_id?: string;
  @IsOptional() @IsIsoDate() snapshot_date?: string;
  @IsOptional() @IsIsoDate() date_from?: string;
  @IsOptional() @IsIsoDate() date_to?: string;
}

export class VintageQuery {
  @IsOptional() @IsIn(PERIODS as unknown as string[]) period: Period = 'month';
  @IsOptional() @IsIn(BASES as unknown as string[]) basis: Basis = 'months_on_book';
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, description: 'csv or xlsx for a file (as with Accept: text/csv or the XLSX type); default json' })
  @IsOptional() @IsIn(EXPORT_FORMATS as unknown as string[]) format?: ExportFormat;

}
