import { ApiPropertyOptional } from '@nestjs/swagger';
import { DateOnly, Int, ListOf, MapOf, Money, OneOf, PageOf, Rate, Text, Uuid } from '../../common/openapi/properties';
import { DELINQUENCY_BUCKETS, LOAN_STATUSES } from '../loans/loan-states';
import { PERIODS } from './vintage-curves';

/** The wire shape of `portfolioSnapshotView` (§5). */
export class PortfolioSnapshotResponse {
  @Uuid() id: string;
  @Uuid() portfolio_id: string;
  @DateOnly() snapshot_date: string;
  @Int({ example: 120 }) total_loans: number;
  @Money() total_principal: string;
  @Money() total_outstanding: string;
  @Rate({ nullable: true, description: 'Balance-weighted; null when nothing is outstanding' }) weighted_average_rate: string | null;
  @Int({ nullable: true, example: 36 }) weighted_average_term: number | null;
  @Rate({ nullable: true }) delinquency_rate: string | null;
  @Rate({ nullable: true }) default_rate: string | null;
  @MapOf(DELINQUENCY_BUCKETS, { type: 'integer' }, { description: 'Loan count per delinquency bucket' }) by_bucket: Record<string, number>;
  @MapOf(DELINQUENCY_BUCKETS, { type: 'string', example: '1234.50' }, { description: 'Outstanding balance per delinquency bucket (2 decimals)' })
  by_bucket_balance: Record<string, string>;
}

export class PortfolioSnapshotPage extends PageOf(PortfolioSnapshotResponse) {}

/** One loan on one date (`GET /loan-snapshots`). */
export class LoanSnapshotResponse {
  @Uuid() id: string;
  @Uuid() loan_id: string;
  @Uuid({ nullable: true }) portfolio_id: string | null;
  @DateOnly() snapshot_date: string;
  @Money() principal_balance: string;
  @Int() days_past_due: number;
  @OneOf(DELINQUENCY_BUCKETS) delinquency_bucket: string;
  @OneOf(LOAN_STATUSES) status: string;
  @Rate() interest_rate: string;
  @DateOnly({ nullable: true }) next_payment_date: string | null;
  @Money({ description: 'Principal written off, cumulative (§11)' }) charged_off_amount: string;
  @Money({ description: 'Recovered after charge-off, cumulative; never above charged_off_amount' }) recovered_amount: string;
}

export class LoanSnapshotPage extends PageOf(LoanSnapshotResponse) {}

export class VintageCurvePoint {
  @ApiPropertyOptional({ type: 'integer', example: 3, description: 'Months on book (basis=months_on_book)' }) months_on_book?: number;
  @ApiPropertyOptional({ type: 'string', example: '2026-03', description: 'The month-end, YYYY-MM (basis=calendar)' }) month?: string;
  @Rate() outstanding_ratio: string;
  @Rate() dpd_30_plus_rate: string;
  @Rate() cumulative_default_rate: string;
  @Rate({ nullable: true, description: 'Single monthly mortality (§11); null without loans active at the start of the month' }) smm: string | null;
  @Rate({ nullable: true }) cpr: string | null;
  @Rate({ nullable: true, description: 'Monthly default rate (§11)' }) mdr: string | null;
  @Rate({ nullable: true }) cdr: string | null;
  @Rate() dpd_60_plus_rate: string;
  @Rate() dpd_90_plus_rate: string;
  @Rate({ description: 'Σ(charged_off − recovered) ÷ the cohort\'s original principal' }) cumulative_net_loss_rate: string;
}

/** `POST /loan-snapshots/import` (§5): complete when it answers; the job recomputes portfolio snapshots. */
export class HistoryImportResponse {
  @Int({ example: 24000 }) imported: number;
  @Int({ example: 24, description: 'Distinct snapshot dates in the file' }) dates: number;
  @Text() job_id: string;
  @Text({ example: '/jobs/…' }) status_url: string;
}

export class VintageResponse {
  @Text({ example: '2026-01', description: '"2026-01" for a month cohort, "2026-Q1" for a quarter cohort' }) vintage: string;
  @Int() loan_count: number;
  @Money() original_principal: string;
  @Money() outstanding: string;
  @Rate({ nullable: true }) delinquency_rate: string | null;
  @Rate({ nullable: true }) default_rate: string | null;
  @ListOf(VintageCurvePoint) curve: VintageCurvePoint[];
}

export class VintageAnalysisResponse {
  @Uuid() portfolio_id: string;
  @OneOf(PERIODS) period: string;
  @ListOf(VintageResponse) vintages: VintageResponse[];
}
