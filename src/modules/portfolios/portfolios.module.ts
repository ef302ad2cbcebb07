import { Module } from '@nestjs/common';
import { AutoAssignService } from './auto-assign.service';
import { MembershipService } from './membership.service';
import { PortfoliosController } from './portfolios.controller';
import { PortfoliosService } from './portfolios.service';

/** Portfolios: CRUD, membership, transfer, archive and auto-assign. Exports its service only. */
@Module({
  controllers: [PortfoliosController],
  providers: [PortfoliosService, MembershipService, AutoAssignService],
  exports: [PortfoliosService],
})
export class PortfoliosModule {}
