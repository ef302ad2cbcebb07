import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { PortfoliosRepositoryModule } from '../portfolios/portfolios.repository';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { TapeConfigsService } from './configs.service';
import { LoanTapesController } from './loan-tapes.controller';
import { TapeGenerator } from './tape-generator.service';
import { TapeRetention } from './tape-retention.service';
import { TapeSchedules } from './tape-schedules.service';
import { LocalTapeStorage, TAPE_STORAGE } from './tape-storage';
import { TapesService } from './tapes.service';

/**
 * Loan-tape configs, the column catalog, tapes and their downloads.
 *
 * Decisions where the spec is silent (also in the OpenAPI descriptions):
 * - `format` defaults to csv; `schedule_hour` (0–23, UTC) defaults to 6. Daily runs at that
 *   hour, weekly on Mondays, monthly on the 1st.
 * - A past `as_of_date` without loan snapshots is refused up front with 422 (as §5 does for
 *   portfolio snapshots); the job re-checks and fails the tape with that reason if they vanish.
 * - A past tape takes balances, dpd, status, rate, term, next payment date and portfolio from
 *   that day's snapshots, static fields from the loan, and the investor columns from the
 *   assignment active at the end of that day (effective by then, not terminated before the next day).
 * - `months_on_book` is 0 for a loan originated after the as-of month.
 * - CSV lines end in LF (COPY's output); rows follow the database collation of loan_number.
 * - In XLSX, money, rates, percentages and integers are numeric cells and dates are date cells,
 *   each written from the same decimal text as CSV (src/common/xlsx), so no value passes through
 *   a float; the header is frozen and filtered.
 * - A tape freezes the config's format, columns and portfolio when it is requested.
 * - TAPE_RETENTION_DAYS > 0: a daily job (TAPE_CLEANUP_CRON) deletes finished tapes requested
 *   longer ago, rows and files; 0 (the default) keeps them forever.
 * - A scheduled tick's tape carries the scheduler's job id, which /jobs cannot show (it holds ':').
 */
@Module({
  imports: [PortfoliosRepositoryModule, SnapshotsModule],
  controllers: [LoanTapesController],
  providers: [
    TapeConfigsService,
    TapesService,
    TapeSchedules,
    TapeGenerator,
    TapeRetention,
    { provide: TAPE_STORAGE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LocalTapeStorage(config.tapeStorageDir) },
  ],
  exports: [TapesService, TapeGenerator, TapeSchedules, TapeRetention],
})
export class LoanTapesModule {}
