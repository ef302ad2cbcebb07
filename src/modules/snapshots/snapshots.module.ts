import { Module } from '@nestjs/common';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { LoanSnapshotsService } from './loan-snapshots.service';
import { SnapshotRunService } from './snapshot-run.service';
import { LoanSnapshotsController, PortfolioSnapshotsController } from './snapshots.controller';
import { SnapshotsService } from './snapshots.service';
import { VintagesService } from './vintages.service';

/** Controllers and the service of the snapshots feature. Exports its services only. */
@Module({
  imports: [PortfoliosModule],
  controllers: [PortfolioSnapshotsController, LoanSnapshotsController],
  providers: [SnapshotsService, SnapshotRunService, LoanSnapshotsService, VintagesService],
  exports: [SnapshotsService, SnapshotRunService],
})
export class SnapshotsModule {}
