import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { badRequest } from '../../common/errors/common.errors';
import { IsIsoDate } from '../../common/money/validators';
import { AnyOf } from '../../common/pagination/list-filter';
import { CursorPageQuery, toBool } from '../../common/pagination/pagination';
import { Where } from '../../database/where';
import { DELINQUENCY_BUCKETS, LOAN_STATUSES } from './loan-states';

/** The `/loans` filters; `/portfolios/{id}/loans` takes the same query. */
export class LoanListQuery extends CursorPageQuery {
  @IsOptional() @IsUUID() portfolio_id?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() unassigned?: boolean;
  @IsOptional() @IsUUID() program_id?: string;
  @AnyOf(LOAN_STATUSES) status?: string[];
  @AnyOf(DELINQUENCY_BUCKETS) delinquency_bucket?: string[];
  @IsOptional() @IsIsoDate() origination_date_gte?: string;
  @IsOptional() @IsIsoDate() origination_date_lte?: string;
  @IsOptional() @IsString() @MaxLength(100) loan_number?: string;
}

export type LoanFilters = Omit<LoanListQuery, 'page' | 'page_size' | 'cursor'>;

/**
 * The loan filters as a WHERE, the organization first (so the indexes that lead with it are
 * used). `portfolioId` scopes to one portfolio on top of the query's filters.
 */
export function loanFilters(org: string, q: LoanFilters, opts: { portfolioId?: string } = {}): Where {
  if (q.unassigned === true && q.portfolio_id) {
    throw badRequest('portfolio_id and unassigned=true cannot both apply', [
      { field: 'unassigned', message: 'contradicts portfolio_id' },
    ]);
  }
  const w = new Where().and`organization_id = ${org}`;
  if (opts.portfolioId) w.and`portfolio_id = ${opts.portfolioId}`;
  if (q.portfolio_id) w.and`portfolio_id = ${q.portfolio_id}`;
  if (q.unassigned === true) w.and`portfolio_id IS NULL`;
  if (q.unassigned === false) w.and`portfolio_id IS NOT NULL`;
  if (q.program_id) w.and`program_id = ${q.program_id}`;
  if (q.status?.length) w.and`status = ANY(${q.status}::text[])`;
  if (q.delinquency_bucket?.length) w.and`delinquency_bucket = ANY(${q.delinquency_bucket}::text[])`;
  if (q.origination_date_gte) w.and`origination_date >= ${q.origination_date_gte}::date`;
  if (q.origination_date_lte) w.and`origination_date <= ${q.origination_date_lte}::date`;
  if (q.loan_number !== undefined) w.and`loan_number = ${q.loan_number}`;
  return w;
}
