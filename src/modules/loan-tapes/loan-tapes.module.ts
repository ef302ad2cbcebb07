import { Module } from '@nestjs/common';

/** Controllers and the service of the loan-tapes feature. Exports its service only. */
@Module({})
export class LoanTapesModule {}
