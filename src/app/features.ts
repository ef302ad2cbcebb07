import { AnalyticsModule } from '../modules/analytics/analytics.module';
import { JobsWorkersModule } from '../jobs/jobs.workers.module';
import { ApiKeysModule } from '../modules/api-keys/api-keys.module';
import { InvestorsModule } from '../modules/investors/investors.module';
import { LoanTapesModule } from '../modules/loan-tapes/loan-tapes.module';
import { LoanTapesWorkersModule } from '../modules/loan-tapes/loan-tapes.workers.module';
import { LoansModule } from '../modules/loans/loans.module';
import { PortfoliosModule } from '../modules/portfolios/portfolios.module';
import { PortfoliosWorkersModule } from '../modules/portfolios/portfolios.workers.module';
import { SavingsModule } from '../modules/savings/savings.module';
import { SavingsWorkersModule } from '../modules/savings/savings.workers.module';
import { SnapshotsModule } from '../modules/snapshots/snapshots.module';
import { SnapshotsWorkersModule } from '../modules/snapshots/snapshots.workers.module';

/** Feature modules (controllers and services). */
export const FEATURE_MODULES = [
  ApiKeysModule,
  LoansModule,
  PortfoliosModule,
  SnapshotsModule,
  AnalyticsModule,
  InvestorsModule,
  LoanTapesModule,
  SavingsModule,
];

/** Worker modules (processors and schedules), loaded only when PROCESS_ROLE runs workers. */
export const WORKER_MODULES = [
  JobsWorkersModule,
  PortfoliosWorkersModule,
  SnapshotsWorkersModule,
  LoanTapesWorkersModule,
  SavingsWorkersModule,
];
