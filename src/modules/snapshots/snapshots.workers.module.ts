import { Module } from '@nestjs/common';

/** Processors and schedules of the snapshots feature; loaded only in worker roles. */
@Module({})
export class SnapshotsWorkersModule {}
