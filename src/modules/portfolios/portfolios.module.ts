import { Module } from '@nestjs/common';
import { PortfoliosService } from './portfolios.service';

/** Portfolios: CRUD, membership, transfer, archive and auto-assign. Exports its service only. */
@Module({ providers: [PortfoliosService], exports: [PortfoliosService] })
export class PortfoliosModule {}
