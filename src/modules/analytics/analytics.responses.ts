import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { STATES } from './transitions';

const rate = (description?: string) => ({ type: String, nullable: true, example: '0.0125', description: description ?? 'Rate (§1), null when its denominator is 0' });

/** One month-end of `GET /portfolios/{id}/performance` (§11). */
export class PerformancePointResponse {
  @ApiProperty({ example: '2025-03' }) month: string;
  @ApiProperty({ example: 250 }) loan_count: number;
  @ApiProperty({ example: '2150000.00' }) balance: string;
  @ApiProperty(rate('Σ balance ÷ Σ original principal')) pool_factor: string | null;
  @ApiProperty(rate('Balance-weighted interest rate')) wac: string | null;
  @ApiProperty({ type: String, nullable: true, example: '14.25', description: 'Balance-weighted months on book, 2 decimals' }) wala: string | null;
  @ApiProperty({ type: String, nullable: true, example: '21.75', description: 'Balance-weighted remaining term, 2 decimals' }) wam: string | null;
  @ApiProperty(rate('Single monthly mortality: Σ unscheduled principal ÷ Σ (B0 − scheduled)')) smm: string | null;
  @ApiProperty(rate('1 − (1 − smm)^12')) cpr: string | null;
  @ApiProperty(rate('Monthly default rate: Σ B0 newly defaulted ÷ Σ B0 active at the start')) mdr: string | null;
  @ApiProperty(rate('1 − (1 − mdr)^12')) cdr: string | null;
  @ApiProperty(rate()) dpd_30_plus_rate: string | null;
  @ApiProperty(rate()) dpd_60_plus_rate: string | null;
  @ApiProperty(rate()) dpd_90_plus_rate: string | null;
  @ApiProperty(rate('Σ charged off ÷ Σ original principal')) cumulative_gross_loss_rate: string | null;
  @ApiProperty(rate('Σ (charged off − recovered) ÷ Σ original principal')) cumulative_net_loss_rate: string | null;
  @ApiProperty(rate('Σ (charged off − recovered) ÷ Σ charged off')) severity: string | null;
}

export class PerformanceResponse {
  @ApiProperty({ format: 'uuid' }) portfolio_id: string;
  @ApiProperty({ type: [PerformancePointResponse] }) points: PerformancePointResponse[];
}

const matrix = (cell: object, description: string): ApiPropertyOptions => ({
  type: 'object',
  description: `${description}; keys: from state, then to state (${STATES.join(', ')})`,
  additionalProperties: { type: 'object', additionalProperties: cell },
}) as ApiPropertyOptions;

export class TransitionPeriodResponse {
  @ApiProperty({ example: '2025-02' }) from: string;
  @ApiProperty({ example: '2025-03' }) to: string;
  @ApiProperty(matrix({ type: 'integer' }, 'Loan counts')) counts: Record<string, Record<string, number>>;
  @ApiProperty(matrix({ type: 'string', example: '1234.50' }, 'Σ balances at the earlier month-end')) balances: Record<string, Record<string, string>>;
  @ApiProperty(matrix({ type: 'string', nullable: true, example: '0.05' }, 'balances[a][b] ÷ Σ balances[a]; null for an empty row'))
  roll_rates: Record<string, Record<string, string | null>>;
}

export class TransitionsResponse {
  @ApiProperty({ format: 'uuid' }) portfolio_id: string;
  @ApiProperty({ enum: STATES, isArray: true }) states: string[];
  @ApiProperty({ type: [TransitionPeriodResponse] }) periods: TransitionPeriodResponse[];
}
