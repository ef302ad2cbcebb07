import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsIsoDate } from '../../common/money/validators';
import { CursorPageQuery, PageQuery } from '../../common/pagination/pagination';
import { Basis, BASES, Period, PERIODS } from './vintage-curves';

export class CreateSnapshotDto {
  @IsOptional() @IsIsoDate() snapshot_date?: string;
}

export class SnapshotRunDto {
  @IsOptional() @IsIsoDate() snapshot_date?: string;
}

export class SnapshotListQuery extends PageQuery {
  @IsOptional() @IsIsoDate() date_from?: string;
  @IsOptional() @IsIsoDate() date_to?: string;
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
}
