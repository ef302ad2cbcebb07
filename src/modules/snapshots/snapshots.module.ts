import { Module } from '@nestjs/common';
import { LoansModule } from '../loans/loans.module';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { HistoryImportService } from './history/history-import.service';
import { LoanSnapshotsRepository } from './loan-snapshots.repository';
import { LoanSnapshotsService } from './loan-snapshots.service';
import { SnapshotRetentionService } from './snapshot-retention.service';
import { SnapshotRunService } from './snapshot-run.service';
import { LoanSnapshotsController, PortfolioSnapshotsController } from './snapshots.controller';
import { SnapshotsService } from './snapshots.service';
import { VintagesService } from './vintages.service';

/** Controllers and the service of the snapshots feature. Exports its services and the loan snapshots repository. */
@Module({
  imports: [PortfoliosModule, LoansModule],
  controllers: [PortfolioSnapshotsController, LoanSnapshotsController],
  providers: [
    SnapshotsService, SnapshotRunService, LoanSnapshotsService, VintagesService, HistoryImportService, LoanSnapshotsRepository, SnapshotRetentionService,
  ],
  exports: [SnapshotsService, SnapshotRunService, LoanSnapshotsRepository, SnapshotRetentionService],
})
export class SnapshotsModule {}
