import { Module } from '@nestjs/common';
import { LoanImportService } from './import/loan-import.service';
import { LoansController } from './loans.controller';
import { LoansService } from './loans.service';

/** Loans: CRUD, filtered lists and the streamed CSV import. Exports its service only. */
@Module({ controllers: [LoansController], providers: [LoansService, LoanImportService], exports: [LoansService] })
export class LoansModule {}
