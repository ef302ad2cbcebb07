import { Module } from '@nestjs/common';

/** Controllers and the service of the snapshots feature. Exports its service only. */
@Module({})
export class SnapshotsModule {}
