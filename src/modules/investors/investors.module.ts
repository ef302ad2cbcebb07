import { Module } from '@nestjs/common';
import { FieldCipher } from '../../common/crypto/field-cipher';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { LoansModule } from '../loans/loans.module';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsService } from './assignments.service';
import { InstrumentsController } from './instruments.controller';
import { InstrumentsService } from './instruments.service';
import { InvestorsController } from './investors.controller';
import { InvestorsService } from './investors.service';
import { SalesController } from './sales.controller';
import { SalesService } from './sales.service';

/** Investors, settlement instruments, loan assignments and portfolio sales. Exports its service only. */
@Module({
  imports: [PortfoliosModule, LoansModule],
  controllers: [InvestorsController, InstrumentsController, AssignmentsController, SalesController],
  providers: [
    InvestorsService,
    InstrumentsService,
    AssignmentsService,
    SalesService,
    { provide: FieldCipher, inject: [APP_CONFIG], useFactory: (config: AppConfig) => FieldCipher.fromConfig(config) },
  ],
  exports: [InvestorsService],
})
export class InvestorsModule {}
