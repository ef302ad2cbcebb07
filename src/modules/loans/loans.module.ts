import { Module } from '@nestjs/common';
import { CsvImportRunner } from './import/csv-import';
import { LoanImportService } from './import/loan-import.service';
import { LoansController } from './loans.controller';
import { LoansService } from './loans.service';

/** Loans: CRUD, filtered lists and the streamed CSV import. Exports its service and the CSV import machinery (the history import uses it). */
@Module({ controllers: [LoansController], providers: [LoansService, LoanImportService, CsvImportRunner], exports: [LoansService, CsvImportRunner] })
export class LoansModule {}
