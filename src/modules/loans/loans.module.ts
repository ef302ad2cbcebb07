import { Module } from '@nestjs/common';

/** Controllers and the service of the loans feature. Exports its service only. */
@Module({})
export class LoansModule {}
