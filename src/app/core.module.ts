import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '../config/config.module';
import type { AppConfig } from '../config/env';
import { DatabaseModule } from '../database/database.module';
import { JobsModule } from '../jobs/jobs.module';

/** What every process role needs: configuration, the database and the queues. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, JobsModule],
      exports: [ConfigModule, DatabaseModule, JobsModule],
    };
  }
}
