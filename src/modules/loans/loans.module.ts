import { Module } from '@nestjs/common';
import { CsvImportRunner } from './import/csv-import';
import { LoanImportService } from './import/loan-import.service';
import { LoansController } from './loans.controller';
import { LoansRepository } from './loans.repository';
import { LoansService } from './loans.service';
import { PortfoliosRepositoryModule } from '../portfolios/portfolios.repository';

/**
 * Loans: CRUD, filtered lists and the streamed CSV import. Exports its service, the CSV import
 * machinery (the history import uses it) and `LoansRepository`, the only way other modules
 * write `loans`.
 */
@Module({
  imports: [PortfoliosRepositoryModule],
  controllers: [LoansController],
  providers: [LoansService, LoansRepository, LoanImportService, CsvImportRunner],
  exports: [LoansService, LoansRepository, CsvImportRunner],
})
export class LoansModule {}
