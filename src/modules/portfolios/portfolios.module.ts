import { Module } from '@nestjs/common';
import { LoansModule } from '../loans/loans.module';
import { AutoAssignService } from './auto-assign.service';
import { MembershipLocks } from './membership-locks';
import { MembershipService } from './membership.service';
import { PortfoliosController } from './portfolios.controller';
import { PortfoliosRepositoryModule } from './portfolios.repository';
import { PortfoliosService } from './portfolios.service';

/**
 * Portfolios: CRUD, membership, transfer, archive and auto-assign. Exports its service, the
 * portfolios repository and `MembershipLocks` (the one lock order of portfolios and loans).
 */
@Module({
  imports: [LoansModule, PortfoliosRepositoryModule],
  controllers: [PortfoliosController],
  providers: [PortfoliosService, MembershipService, MembershipLocks, AutoAssignService],
  exports: [PortfoliosService, MembershipLocks, PortfoliosRepositoryModule],
})
export class PortfoliosModule {}
