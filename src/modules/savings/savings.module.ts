import { Module } from '@nestjs/common';

/** Controllers and the service of the savings feature. Exports its service only. */
@Module({})
export class SavingsModule {}
