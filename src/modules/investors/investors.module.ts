import { Module } from '@nestjs/common';

/** Controllers and the service of the investors feature. Exports its service only. */
@Module({})
export class InvestorsModule {}
