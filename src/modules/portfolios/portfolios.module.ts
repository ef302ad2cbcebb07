import { Module } from '@nestjs/common';

/** Controllers and the service of the portfolios feature. Exports its service only. */
@Module({})
export class PortfoliosModule {}
