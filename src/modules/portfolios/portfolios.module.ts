import { Module } from '@nestjs/common';
import { LoansModule } from '../loans/loans.module';
import { AutoAssignService } from './auto-assign.service';
import { MembershipService } from './membership.service';
import { PortfoliosController } from './portfolios.controller';
import { PortfoliosService } from './portfolios.service';

/** Portfolios: CRUD, membership, transfer, archive and auto-assign. Exports its service only. */
@Module({
  imports: [LoansModule],
  controllers: [PortfoliosController],
  providers: [PortfoliosService, MembershipService, AutoAssignService],
  exports: [PortfoliosService],
})
export class PortfoliosModule {}
