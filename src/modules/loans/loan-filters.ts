import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { badRequest } from '../../common/errors/common.errors';
import { IsIsoDate } from '../../common/money/validators';
import { AnyOf } from '../../common/pagination/list-filter';
import { CursorPageQuery, toBool } from '../../common/pagination/pagination';
import { DELINQUENCY_BUCKETS, LOAN_STATUSES } from './loan.view';

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

export interface FilterSql {
  /** Conditions to AND together (never empty: the organization comes first so its indexes are used). */
  conditions: string[];
  params: unknown[];
}

/**
 * SQL conditions for the loan filters, with numbered parameters starting at `$1`
 * (the organization). `portfolioId` scopes to one portfolio on top of the query's filters.
 */
export function buildLoanFilters(org: string, q: LoanFilters, opts: { portfolioId?: string; alias?: string } = {}): FilterSql {
  const a = opts.alias ? `${opts.alias}.` : '';
  const params: unknown[] = [org];
  const conditions = [`${a}organization_id = $1`];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(sql(`$${params.length}`));
  };
  if (q.unassigned === true && q.portfolio_id) {
    throw badRequest('portfolio_id and unassigned=true cannot both apply', [
      { field: 'unassigned', message: 'contradicts portfolio_id' },
    ]);
  }
  if (opts.portfolioId) add((p) => `${a}portfolio_id = ${p}`, opts.portfolioId);
  if (q.portfolio_id) add((p) => `${a}portfolio_id = ${p}`, q.portfolio_id);
  if (q.unassigned === true) conditions.push(`${a}portfolio_id IS NULL`);
  if (q.unassigned === false) conditions.push(`${a}portfolio_id IS NOT NULL`);
  if (q.program_id) add((p) => `${a}program_id = ${p}`, q.program_id);
  if (q.status?.length) add((p) => `${a}status = ANY(${p}::text[])`, q.status);
  if (q.delinquency_bucket?.length) add((p) => `${a}delinquency_bucket = ANY(${p}::text[])`, q.delinquency_bucket);
  if (q.origination_date_gte) add((p) => `${a}origination_date >= ${p}::date`, q.origination_date_gte);
  if (q.origination_date_lte) add((p) => `${a}origination_date <= ${p}::date`, q.origination_date_lte);
  if (q.loan_number !== undefined) add((p) => `${a}loan_number = ${p}`, q.loan_number);
  return { conditions, params };
}
